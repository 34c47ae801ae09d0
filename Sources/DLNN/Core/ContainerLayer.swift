import Synchronization

/// A layer whose children can be replaced, so that a model can be edited in place (a new head
/// for transfer learning: `model.replace("classifier.5", with: Dense(…))`).
///
/// A replacement takes the old child's name; the caller makes it fit the shapes around it.
/// Replace through `Layer.replace(_:with:)`, which also tells every container that caches facts
/// about its subtree (`Sequential`'s parameters of each child) that the tree changed.
public protocol ContainerLayer: Layer {
    /// Puts `layer` in place of the child called `name`; throws `ModulePathError` (`noChild`)
    /// when there is none.
    func replaceChild(named name: String, with layer: any Layer) throws(ModulePathError)
}

extension ContainerLayer {
    /// The `noChild` error for `name`, a child this container does not have.
    func missingChild(_ name: String) -> ModulePathError {
        ModulePathError(path: name, problem: .noChild(name: name, parent: "", layer: summaryName, children: children.map(\.name)))
    }
}

/// A counter of changes to the shape of model trees (replaced children) anywhere in the program.
///
/// A container that caches something about its descendants stores the generation it computed
/// it at and recomputes when the generation has moved: one atomic load per use, no allocation.
enum ModelStructure {
    private static let counter = Atomic<Int>(0)

    /// Increments each time a child of any container is replaced.
    static var generation: Int { counter.load(ordering: .relaxed) }

    /// Records that some model tree changed shape.
    static func didChange() {
        counter.add(1, ordering: .relaxed)
    }
}
