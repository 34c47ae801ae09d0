import DLCore
import Foundation
import Testing
@testable import DLReport

@Suite struct ReportTests {
    private func machine() -> MachineInfo {
        MachineInfo(
            cpuModel: "AMD EPYC", logicalCores: 4, availableCores: 2, memoryBytes: 16 << 30,
            operatingSystem: "Debian GNU/Linux 12 (bookworm)",
            openBLASConfiguration: "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64",
            cpuFeatures: "SSE3 AVX FMA AVX2", openBLASKernels: OpenBLASKernels(coreName: "Zen", recommendedCoreName: "Zen"),
            blasThreadCount: 2, swiftVersion: "6.3", buildConfiguration: "release",
            date: Date(timeIntervalSince1970: 1_700_000_000), gitCommit: "abc1234-dirty"
        )
    }

    private func report() -> Report {
        var table = Table(headers: ["Optimizer", "Accuracy"])
        table.append(["SGD", Cell(0.9712, format: .percent(2))])
        table.append(["Adam", Cell(0.9801, format: .percent(2))])
        table.markBest(inColumn: "Accuracy", .higherIsBetter)
        var report = Report(title: "Optimizers on MNIST", summary: "Adam wins by 0.9 points.")
        report.addSettings([("Epochs", 5), ("Learning rate", Cell(0.01, format: .significant(2)))])
        report.addHeading("Results")
        report.addTable(table, title: "Test accuracy after 5 epochs")
        report.addPlot(
            LineChart(title: "Loss", x: .init("Step"), y: .init("Loss"), series: [.init(name: "SGD", values: [2, 1, .nan])]),
            fileName: "loss curve.svg", caption: "Training loss."
        )
        report.addParagraph("Adam converges faster.")
        report.addMachine(machine())
        return report
    }

    @Test func markdownHasEverySectionInOrder() {
        let expected = """
            # Optimizers on MNIST

            Adam wins by 0.9 points.

            ## Settings

            - **Epochs:** 5
            - **Learning rate:** 0.010

            ## Results

            **Test accuracy after 5 epochs**

            | Optimizer |   Accuracy |
            | :-------- | ---------: |
            | SGD       |     97.12% |
            | Adam      | **98.01%** |

            ![Loss](loss%20curve.svg)

            *Training loss.*

            Adam converges faster.

            ## Machine

            - **CPU:** AMD EPYC
            - **Logical cores:** 4 (2 available to this process)
            - **Memory:** 16.0 GiB
            - **OS:** Debian GNU/Linux 12 (bookworm)
            - **OpenBLAS version:** 0.3.21
            - **CPU features:** SSE3 AVX FMA AVX2
            - **OpenBLAS core:** Zen
            - **OpenBLAS configuration:** `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64`
            - **BLAS threads:** 2
            - **Swift compiler:** 6.3
            - **Build:** release
            - **Date (UTC):** 2023-11-14T22:13:20Z
            - **Git commit:** `abc1234-dirty`

            """
        #expect(report().markdown() == expected)
    }

    @Test func jsonHoldsSettingsTablesPlotsAndMachine() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report().json().utf8)) as? [String: Any]
        )
        #expect(object["title"] as? String == "Optimizers on MNIST")
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["Epochs"] as? Int == 5 && settings["Learning rate"] as? Double == 0.01)
        let tables = try #require(object["tables"] as? [[String: Any]])
        let rows = try #require(tables.first?["rows"] as? [[String: Any]])
        #expect(rows[1]["Accuracy"] as? Double == 0.9801)
        let plots = try #require(object["plots"] as? [[String: Any]])
        let series = try #require(plots.first?["series"] as? [[String: Any]])
        let y = try #require(series.first?["y"] as? [Any])
        #expect(y.count == 3 && y[2] is NSNull)
        let machine = try #require(object["machine"] as? [String: Any])
        #expect(machine["openblas_version"] as? String == "0.3.21")
        #expect(machine["openblas_core"] as? String == "Zen" && machine["openblas_core_fallback"] as? Bool == false)
        #expect(machine["logical_cores"] as? Int == 4 && machine["available_cores"] as? Int == 2)
        #expect(machine["git_commit"] as? String == "abc1234-dirty")
    }

    @Test func writesTheRunFolderAndAnIndex() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("DLReportTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = root.appendingPathComponent("runs/optimizers")
        let report = report()
        let files = try report.write(to: run)
        #expect(files.map(\.lastPathComponent) == ["report.md", "results.json", "results.csv", "loss curve.svg"])
        let listing = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        #expect(listing == ["loss curve.svg", "report.md", "results.csv", "results.json"], "no temporary files left")
        #expect(try String(contentsOf: run.appendingPathComponent("results.csv"), encoding: .utf8)
            == "Optimizer,Accuracy\nSGD,0.9712\nAdam,0.9801\n")
        // Writing again replaces the files.
        try report.write(to: run)

        let index = ReportIndex(title: "dlbench", introduction: "Release build.", entries: [.init(report: report, folder: run)])
        let indexFile = try index.write(to: root)
        #expect(try String(contentsOf: indexFile, encoding: .utf8) == """
            # dlbench

            Release build.

            ## [Optimizers on MNIST](runs/optimizers/report.md)

            Adam wins by 0.9 points.

            """)
    }

    @Test func relativePaths() {
        let out = URL(fileURLWithPath: "/tmp/out")
        #expect(relativePath(from: out, to: URL(fileURLWithPath: "/tmp/out/a/report.md")) == "a/report.md")
        #expect(relativePath(from: out.appendingPathComponent("index"), to: URL(fileURLWithPath: "/tmp/out/a/report.md"))
            == "../a/report.md")
        #expect(relativePath(from: URL(fileURLWithPath: "/tmp/out/"), to: URL(fileURLWithPath: "/tmp/out/./b/../c/report.md"))
            == "c/report.md")
    }

    @Test func parsesProcAndOSReleaseFiles() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD  EPYC   7B13\nprocessor\t: 1\nmodel name\t: other\n"
        #expect(MachineInfo.cpuModel(fromCPUInfo: cpuinfo) == "AMD EPYC 7B13")
        #expect(MachineInfo.cpuModel(fromCPUInfo: "Hardware\t: BCM2835\n") == nil)
        let osRelease = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n"
        #expect(MachineInfo.prettyName(fromOSRelease: osRelease) == "Debian GNU/Linux 12 (bookworm)")
        #expect(MachineInfo.prettyName(fromOSRelease: "PRETTY_NAME=Alpine\n") == "Alpine")
    }

    @Test func currentMachineIsFilledIn() {
        let machine = MachineInfo.current()
        #expect(machine.logicalCores >= 1 && machine.blasThreadCount >= 1)
        #expect(machine.openBLASConfiguration.hasPrefix("OpenBLAS"))
        #expect(!machine.gitCommit.isEmpty)
        #expect(machine.markdown().hasPrefix("## Machine\n\n- **CPU:** "))
    }
}
