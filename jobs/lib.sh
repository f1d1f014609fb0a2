# shellcheck shell=bash
# Sourced (not run) by jobs/run, jobs/bench, jobs/bench-emulator, jobs/cluster, jobs/python-env and
# jobs/connect-server: what they share. The caller has cd'ed to the checkout.
#
# Classpaths come one way: the build writes them (pom.xml, maven-dependency-plugin executions
# in phase generate-test-resources, which `mvn package` and `mvn test-compile` both run):
#   target/spark-classpath.txt   compile scope: Spark and the connector's dependencies
#   target/test-classpath.txt    test scope: the above plus the test fixtures (benchmarks)

# The Java 17 module flags Spark needs in any JVM: the pom's spark.jvm.opens property.
spark_jvm_opens() {
  sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' pom.xml
}

# True if $1 is missing or older than pom.xml or any file under the folders that follow
# (default: src/main).
stale() {
  local f="$1" d
  shift
  [[ ! -f "$f" ]] && return 0
  [[ pom.xml -nt "$f" ]] && return 0
  for d in "${@:-src/main}"; do
    [[ -n "$(find "$d" -newer "$f" -type f -print -quit 2>/dev/null)" ]] && return 0
  done
  return 1
}

# The first <$1> of pom.xml outside a <parent>: the project's own artifactId and version, which
# the pom declares before its properties and dependencies.
pom_project() {
  sed -e '/<parent>/,/<\/parent>/d' pom.xml | sed -n "/<$1>/{s:.*<$1>\([^<]*\)</$1>.*:\1:p;q;}"
}

# The project jar, target/<artifactId>-<version>.jar by its exact name from pom.xml, so a jar left
# from an older version is never taken. A one-line error if the pom does not name both literally.
app_jar() {
  local artifact version
  artifact="$(pom_project artifactId)"
  version="$(pom_project version)"
  if [[ -z "$artifact" || -z "$version" || "$artifact$version" == *'$'* ]]; then
    echo "jobs/lib.sh: cannot read the project's artifactId and version from pom.xml" >&2
    return 1
  fi
  echo "target/$artifact-$version.jar"
}

# Builds the jar and the compile classpath if missing or stale (mvn package); prints the jar.
# $1 names the caller in the progress line.
ensure_jar() {
  local j
  j="$(app_jar)" || return 1
  if stale "$j" || [[ ! -f target/spark-classpath.txt || pom.xml -nt target/spark-classpath.txt ]]; then
    echo "$1: building (mvn package)..." >&2
    mvn -q -B -ntp -DskipTests package </dev/null >&2
    touch target/spark-classpath.txt target/test-classpath.txt
    [[ -f "$j" ]] || { echo "$1: mvn package did not write $j" >&2; return 1; }
  fi
  echo "$j"
}

# Writes the compile classpath if missing or older than pom.xml (the build's first phases).
ensure_classpath() {
  if [[ ! -f target/spark-classpath.txt || pom.xml -nt target/spark-classpath.txt ]]; then
    echo "$1: resolving the Spark jars (mvn generate-test-resources)..." >&2
    mvn -q -B -ntp -DskipTests generate-test-resources </dev/null >&2
    touch target/spark-classpath.txt
  fi
}

# Compiles main and test classes and writes both classpaths if missing or stale (mvn test-compile).
# Never offline: a fresh clone has an empty ~/.m2.
ensure_test_classes() {
  if stale target/test-classpath.txt src; then
    echo "$1: compiling (mvn test-compile)..." >&2
    mvn -q -B -ntp -DskipTests test-compile </dev/null >&2
    touch target/spark-classpath.txt target/test-classpath.txt
  fi
}

# The Spark lines the Python package is tested on, oldest first: one python/constraints/spark-LINE.txt each.
python_spark_lines() {
  local f
  for f in python/constraints/spark-*.txt; do f="${f##*/spark-}"; echo "${f%.txt}"; done | sort -V
}
