import DLNN
print("dlbench")
