import GRPCCore
import GRPCNIOTransportHTTP2Posix
import BoxOfficeRPC
print("stub")
