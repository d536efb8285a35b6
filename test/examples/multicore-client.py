# The python3 client of test/examples/multicore.test.ts:  multicore-client.py PORT CONNS SEED
# Opens CONNS connections at once; each sends random bytes (1 B-64 KiB in up to 4 messages),
# half-closes, and checks that every byte comes back in order before end of stream. Prints one
# JSON line: the connections, the bytes echoed, how many came back wrong, and each connection's
# local port (the server reports the ports it served, so that none is counted twice or lost).
import json, sys
sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from echo_check import echo_check

print(json.dumps(echo_check(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
