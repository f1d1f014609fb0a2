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

# Class-data sharing for a Spark job's JVM (jobs/run): the classes a job loads (Spark's, mostly) mapped from a
# dynamic archive instead of parsed and verified at each start. Sets CDS_OPTS (JVM options) and CDS_MAKE (the
# temporary file the JVM writes an archive to at exit, or empty): with CDS_MAKE set, the caller runs the JVM as a
# child and calls cds_keep with its exit code. The archive is target/cds/<job>-<key>-<bytes>.jsa; the key hashes
# what makes an archive unusable: the java binary (its path, libjvm's size and time), the JVM options, the
# classpath and its jars' sizes and times (Java refuses an archive when one changed), and the job (each loads
# other classes). The project's jar is not in it: Spark loads the job's classes
# with its own class loader, whose classes Java 17 does not archive. Java checks the archive itself too and runs
# without a stale one; its messages about that are turned off, so that none reaches a job's output on stdout. It
# does not check that the file is whole (a cut one crashes it), hence the size in the name.
# ZENTRUNK_CDS=0 turns all of it off. $1 job, then the JVM options of the run, and last its classpath.
cds_setup() {
  local job="$1" java home key f
  shift
  CDS_OPTS=()
  CDS_MAKE=""
  [[ "${ZENTRUNK_CDS:-1}" == 0 ]] && return 0
  java="$(readlink -f "$(command -v java)")" || return 0
  home="${java%/bin/java}"
  key="$({
    printf '%s\n' "$java" "$job" "$@"
    stat -c '%n %s %Y' "$home/lib/server/libjvm.so" 2>/dev/null || true
    tr ':' '\n' <<< "${!#}" | xargs -d '\n' stat -c '%n %s %Y' 2>/dev/null || true
  } | sha256sum | cut -c1-16)"
  CDS_BASE="target/cds/$job-$key"
  CDS_OPTS=(-Xlog:cds*=off -Xlog:class+path=off)
  for f in "$CDS_BASE"-*.jsa; do
    if [[ -f "$f" && "$(stat -c %s "$f").jsa" == "${f##*-}" ]]; then
      CDS_OPTS+=("-XX:SharedArchiveFile=$f")
      return 0
    fi
  done
  mkdir -p target/cds
  # temporary files of runs that died before their exit (kill -9, a crash) go after a day
  find target/cds -name '*.jsa.*.tmp' -mmin +1440 -delete 2>/dev/null || true
  CDS_MAKE="$CDS_BASE.jsa.$$.tmp"
  CDS_OPTS+=("-XX:ArchiveClassesAtExit=$CDS_MAKE")
}

# After a run that made an archive (cds_setup set CDS_MAKE), $1 its exit code: on 0 the archive is renamed into
# place in one step (a concurrent run sees no archive or a whole one), a cut file of the same key goes, and of the
# job's archives for other keys (another classpath or java, the bench's JVM options) the two newest stay: about
# 180 MB each. Otherwise the file is dropped.
cds_keep() {
  local f keep
  if [[ "$1" == 0 && -s "$CDS_MAKE" ]]; then
    keep="$CDS_BASE-$(stat -c %s "$CDS_MAKE").jsa"
    mv -f "$CDS_MAKE" "$keep"
    for f in "$CDS_BASE"-*.jsa; do
      [[ "$f" != "$keep" ]] && rm -f "$f"
    done
    # shellcheck disable=SC2012
    ls -t "${CDS_BASE%-*}"-*.jsa | tail -n +4 | xargs -r -d '\n' rm -f
  fi
  rm -f "$CDS_MAKE"
}
