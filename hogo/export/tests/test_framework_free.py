import subprocess
import sys


def test_the_export_package_imports_no_django():
    code = ("import sys, hogo.export, hogo.export.package, hogo.export.passwords;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
