/// A run that cannot go ahead with the data or settings it was given (a data set too small, images
/// the model cannot take, a schedule longer than the run): `dlbench` prints the message and exits
/// with status 1 before training.
struct RunError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
