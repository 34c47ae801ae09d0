/// Stops the program with `message` when `condition` is false, in every build configuration.
///
/// Programmer errors (shape mismatches, axes out of range) use this instead of `precondition`,
/// whose message is dropped in optimized builds: the message must name the operation and the
/// shapes involved, e.g. `matmul: [64, 784] × [512, 10]: inner dimensions 784 and 512 differ`.
@inlinable
package func require(
    _ condition: @autoclosure () -> Bool,
    _ message: @autoclosure () -> String,
    file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() {
        fatalError(message(), file: file, line: line)
    }
}

/// Formats a shape the way every error message in the library prints it: `[64, 784]`.
@usableFromInline
package func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// Formats a shape as `[64, 784]`, like `describe(_:)` for an array.
@usableFromInline
package func describe(_ shape: TensorShape) -> String {
    shape.description
}
