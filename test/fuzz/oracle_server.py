# A long-lived oracle for test/fuzz: the step interpreter of test/selectors/fixtures/oracle.py
# (CPython's selectors), fed one JSON job per line, {"backend": ..., "steps": [...]}, answering
# one JSON line of results each. One process serves a whole fuzz run: a python start per case
# would cost more than the case.
import json, os, sys

ORACLE = os.path.join(os.path.dirname(__file__), '..', 'selectors', 'fixtures', 'oracle.py')
source = open(ORACLE).read()
# oracle.py ends by calling main(), which reads stdin once: take everything before that call.
tail = source.rstrip().rsplit('\n', 1)
if tail[-1].strip() != 'main()':
    sys.exit('oracle.py no longer ends with main(): update oracle_server.py')
namespace = {'__name__': 'oracle'}
exec(compile(tail[0], ORACLE, 'exec'), namespace)

for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps(namespace['run'](job['backend'], job['steps'])), flush=True)
