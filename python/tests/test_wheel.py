"""The wheel that `pip install ./python` builds: the jar inside, typed, pyspark as the checked range."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_the_wheel_carries_the_built_jar_and_declares_the_spark_range(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO / "python"),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("zentrunk_spark-*.whl")
    jars = sorted((REPO / "target").glob("zentrunk-spark-*.jar"))
    (jar,) = [j for j in jars if not j.name.endswith(("-sources.jar", "-shaded.jar"))]
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        assert f"zentrunk_spark/jars/{jar.name}" in names
        assert z.read(f"zentrunk_spark/jars/{jar.name}") == jar.read_bytes()
        assert "zentrunk_spark/py.typed" in names
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = z.read(metadata).decode()
    assert "Requires-Dist: pyspark<4.2,>=4.0.0" in text
    assert "Requires-Dist: pandas<3,>=2.2" in text
    # the pom's 0.1.0-SNAPSHOT, as a PEP 440 version
    assert "\nVersion: 0.1.0.dev0\n" in text
