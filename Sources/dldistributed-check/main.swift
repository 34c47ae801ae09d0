import DLDistributed
let world = try Communicator.world()
print(world.rank, world.size)
world.finalize()
