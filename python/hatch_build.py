"""Build hooks: the wheel carries the connector's shaded jar, and its version is the Maven build's.

The jar is the one `mvn package` built in the repository's target/ folder; building the wheel
without it fails with one line saying so, rather than shipping a package that cannot read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

REPO = Path(__file__).resolve().parent.parent


def pom_version() -> str:
    """The pom's project version as a PEP 440 version: 0.1.0-SNAPSHOT is 0.1.0.dev0."""
    pom = (REPO / "pom.xml").read_text(encoding="utf-8")
    # the project's own <version>, the first one after </parent> or <artifactId>zentrunk-spark
    m = re.search(r"<artifactId>zentrunk-spark</artifactId>\s*<version>([^<]+)</version>", pom)
    if m is None:
        raise RuntimeError("no <version> after <artifactId>zentrunk-spark</artifactId> in " + str(REPO / "pom.xml"))
    v = m.group(1)
    return v[: -len("-SNAPSHOT")] + ".dev0" if v.endswith("-SNAPSHOT") else v


def shaded_jar() -> Path:
    """target/zentrunk-spark-<version>.jar, the spark-submit jar that mvn package builds."""
    version = re.sub(r"\.dev0$", "-SNAPSHOT", pom_version())
    jar = REPO / "target" / f"zentrunk-spark-{version}.jar"
    if not jar.is_file():
        raise RuntimeError(f"{jar} is missing: run 'mvn -DskipTests package' in {REPO} before building the wheel")
    return jar


class JarHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        jar = shaded_jar()
        build_data["force_include"][str(jar)] = f"zentrunk_spark/jars/{jar.name}"
