import subprocess
import sys


def test_the_video_package_imports_no_django():
    code = ("import sys, hogo.video.probe, hogo.video.nmea, hogo.video.naming, hogo.video.synth;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
