import Foundation

/// Checkpoints that resume training exactly.
///
/// A checkpoint named `name` in `directory` is three files:
/// - `name.safetensors`: the model's parameters and buffers (PyTorch names and layouts);
/// - `name.optimizer.safetensors`: the optimizer's per-parameter tensors (`0.exp_avg`, …);
/// - `name.trainer.json`: epochs done, optimizer scalars, the history, the best metric, the
///   state of every dropout generator and of a reduce-on-plateau schedule.
/// Each file is written atomically, the JSON last, so a crash leaves the previous checkpoint
/// loadable. The data order needs no saved state: it is a function of the seed and the epoch.
extension Trainer {
    struct SavedState: Codable {
        var completedEpochs: Int
        var bestValue: Double?
        var bestEpoch: Int?
        var optimizer: OptimizerState
        var history: TrainingHistory
        var dropoutGenerators: [String: [UInt64]]
        var plateau: ReduceLearningRateOnPlateau.State?
    }

    /// Writes the checkpoint `name` into `directory` (created if needed).
    public func saveCheckpoint(to directory: URL, name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try model.saveWeights(to: directory.appendingPathComponent("\(name).safetensors"))
        let optimizerState = optimizer.state()
        try SafeTensors.write(
            optimizerState.tensors.sorted { $0.key < $1.key }.map { (name: $0.key, tensor: $0.value) },
            to: directory.appendingPathComponent("\(name).optimizer.safetensors"))
        let state = SavedState(
            completedEpochs: completedEpochs, bestValue: best?.value, bestEpoch: best?.epoch,
            optimizer: optimizerState, history: history,
            dropoutGenerators: Dictionary(uniqueKeysWithValues: dropoutLayers().map { ($0.path, $0.layer.generator.state) }),
            plateau: (schedule as? ReduceLearningRateOnPlateau)?.state)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(state), to: directory.appendingPathComponent("\(name).trainer.json"))
    }

    /// Restores the model, optimizer, schedule and progress from the checkpoint `name` in
    /// `directory`; a following `fit` continues exactly where the saved run was.
    public func resume(from directory: URL, name: String = "last") throws {
        let stateURL = directory.appendingPathComponent("\(name).trainer.json")
        let state = try JSONDecoder().decode(SavedState.self, from: Data(contentsOf: stateURL))
        var optimizerState = state.optimizer
        optimizerState.tensors = try SafeTensors.read(from: directory.appendingPathComponent("\(name).optimizer.safetensors")).tensors
        try model.loadWeights(from: directory.appendingPathComponent("\(name).safetensors"))
        try optimizer.load(optimizerState)
        for (path, layer) in dropoutLayers() {
            if let words = state.dropoutGenerators[path] { layer.generator = SeededGenerator(state: words) }
        }
        if let plateau = schedule as? ReduceLearningRateOnPlateau, let saved = state.plateau {
            plateau.state = saved
        }
        completedEpochs = state.completedEpochs
        history = state.history
        if let value = state.bestValue, let epoch = state.bestEpoch { best = (value, epoch) } else { best = nil }
    }

    private func dropoutLayers() -> [(path: String, layer: Dropout)] {
        var found: [(path: String, layer: Dropout)] = []
        func visit(_ layer: any Layer, path: String) {
            if let dropout = layer as? Dropout { found.append((path, dropout)) }
            for child in layer.children { visit(child.layer, path: path.isEmpty ? child.name : "\(path).\(child.name)") }
        }
        visit(model, path: "")
        return found
    }
}
