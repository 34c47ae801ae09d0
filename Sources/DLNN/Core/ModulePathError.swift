/// A path that names no layer of a model, for `Layer.layer(at:)`, `replace(_:with:)`, `freeze(_:)`
/// and `unfreeze(_:)`.
public struct ModulePathError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the path.
    public enum Problem: Equatable, Sendable {
        /// The path, or one of its dot-separated names, is empty.
        case empty
        /// The layer at `parent` (its summary `layer`) has no child `name`; `children` lists those it has.
        case noChild(name: String, parent: String, layer: String, children: [String])
        /// The layer at `path` (its summary `layer`) cannot replace its children: it is not a `ContainerLayer`.
        case notAContainer(path: String, layer: String)
    }

    /// The path as given.
    public var path: String
    /// What is wrong.
    public var problem: Problem

    /// An error about `path`.
    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    /// E.g. `no layer at "classifier.9": classifier (Sequential) has no child "9"; its children are 0, 1, 2`.
    public var description: String {
        let reason = switch problem {
        case .empty:
            "paths are dot-separated child names such as \"classifier.5\", none of them empty"
        case .noChild(let name, let parent, let layer, let children):
            "\(parent.isEmpty ? "the model" : parent) (\(layer)) has no child \"\(name)\"; "
                + (children.isEmpty ? "it has no children" : "its children are \(children.joined(separator: ", "))")
        case .notAContainer(let path, let layer):
            "\(path.isEmpty ? "the model" : path) (\(layer)) cannot replace its children (it is not a ContainerLayer)"
        }
        return "no layer at \"\(path)\": \(reason)"
    }
}
