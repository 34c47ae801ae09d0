import DLNN

/// The MPI communicator as DLNN's reduction across replicas: one in-place `MPI_Allreduce` sum.
extension Communicator: ReplicaReduction {
    public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
        allreduceSum(values)
    }
}
