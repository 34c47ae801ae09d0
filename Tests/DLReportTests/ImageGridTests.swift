import Testing
@testable import DLReport

@Suite struct ImageGridTests {
    @Test func onePixelARectGrayOrRGBSideBySide() {
        let gray = ImageGrid(title: "two <templates>", images: [[0, 255], [7, 9]], channels: 1, height: 1, width: 2)
        let svg = gray.svg()
        #expect(svg.contains("<title>two &lt;templates&gt;</title>"))
        #expect(svg.contains(#"<rect x="0" y="0" width="3" height="3" fill="rgb(0,0,0)"/>"#))
        #expect(svg.contains(#"<rect x="3" y="0" width="3" height="3" fill="rgb(255,255,255)"/>"#))
        // The second image starts after 2 pixels and the gap: 2·3 + 6 = 12.
        #expect(svg.contains(#"<rect x="12" y="0" width="3" height="3" fill="rgb(7,7,7)"/>"#))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 4)
        #expect(svg.contains(#"width="18" height="3""#))

        let color = ImageGrid(title: "rgb", images: [[10, 20, 30]], channels: 3, height: 1, width: 1).svg()
        #expect(color.contains(#"fill="rgb(10,20,30)""#))
    }
}
