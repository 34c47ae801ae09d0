/// A failure reported by a LAPACK routine through its `info` result.
public enum LAPACKError: Error, Equatable, CustomStringConvertible {
    /// Argument number `argument` of `routine` had an illegal value (`info < 0`).
    case illegalArgument(routine: String, argument: Int)
    /// `routine` did not converge; `info` is the routine's count of unconverged superdiagonals.
    case noConvergence(routine: String, info: Int)
    /// The input held NaN or infinite values, for which the decomposition is undefined.
    case nonFiniteInput(routine: String)

    public var description: String {
        switch self {
        case let .illegalArgument(routine, argument):
            return "\(routine): argument \(argument) had an illegal value"
        case let .noConvergence(routine, info):
            return "\(routine): the algorithm did not converge (\(info) superdiagonals did not converge to zero)"
        case let .nonFiniteInput(routine):
            return "\(routine): the matrix contains NaN or infinite values"
        }
    }
}
