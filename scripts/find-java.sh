# Sourced by ./berth and ./run-tests: finds a JDK 21+ and sets BERTH_JDK (its home) and
# BERTH_JDK_MAJOR (its feature version).
# Looks at $BERTH_JAVA_HOME, $JAVA_HOME, the java on PATH, then /usr/lib/jvm/* (newest first).
# This runs before every berth command, so it uses shell builtins wherever it can: each process
# it starts costs milliseconds on an idle machine and tens of them on a busy one.

_berth_major() { # $1 = path to a java binary; sets _berth_v to its feature version (empty if unknown)
  _berth_v=""
  local release=${1%/bin/java}/release line
  # The JDK's release file says it without starting a JVM (0.1-0.2 s); ask java only without one.
  if [ -f "$release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=*)
          line=${line#JAVA_VERSION=}
          line=${line//\"/}
          line=${line#1.}
          _berth_v=${line%%[!0-9]*}
          break
          ;;
      esac
    done <"$release"
  fi
  if [ -z "$_berth_v" ] && [ -x "$1" ]; then
    _berth_v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1)
  fi
  return 0
}

berth_java_major() { # $1 = path to a java binary; prints its feature version
  _berth_major "$1"
  echo "$_berth_v"
}

berth_find_jdk() { # $1 = "jdk" to require javac, "jre" for java only
  local need=$1 home seen="" seen_homes=" " java_on_path best="" best_major=0
  _berth_try() { # $1 = a Java home; returns 0 and sets BERTH_JDK if it will do
    local h=${1%/}
    [ -x "$h/bin/java" ] || return 1
    case "$seen_homes" in *" $h "*) return 1 ;; esac
    seen_homes="$seen_homes$h "
    _berth_major "$h/bin/java"
    seen="$seen
  $h: Java ${_berth_v:-?}"
    [ -n "$_berth_v" ] && [ "$_berth_v" -ge 21 ] || return 1
    if [ "$need" = jdk ] && [ ! -x "$h/bin/javac" ]; then return 1; fi
    BERTH_JDK=$h
    BERTH_JDK_MAJOR=$_berth_v
    return 0
  }
  [ -n "${BERTH_JAVA_HOME:-}" ] && _berth_try "$BERTH_JAVA_HOME" && return 0
  [ -n "${JAVA_HOME:-}" ] && _berth_try "$JAVA_HOME" && return 0
  if hash java 2>/dev/null; then
    java_on_path=$(readlink -f "${BASH_CMDS[java]}")
    _berth_try "${java_on_path%/bin/java}" && return 0
  fi
  # the newest Java 21+ of /usr/lib/jvm (by feature version, then by name)
  for home in /usr/lib/jvm/*/; do
    home=${home%/}
    [ -x "$home/bin/java" ] || continue
    _berth_major "$home/bin/java"
    [ -n "$_berth_v" ] && [ "$_berth_v" -ge "$best_major" ] || continue
    [ "$need" = jdk ] && [ ! -x "$home/bin/javac" ] && continue
    best=$home
    best_major=$_berth_v
  done
  [ -n "$best" ] && _berth_try "$best" && return 0
  for home in /usr/lib/jvm/*/; do _berth_try "$home" || true; done
  {
    local what="Java 21 or newer"
    [ "$need" = jdk ] && what="a JDK 21 or newer (to build berth)"
    echo "berth needs $what, and none was found.${seen:+ Found:$seen}"
    echo "Install one, e.g. on Debian 13: apt-get install openjdk-21-jdk-headless (Debian 12: a Temurin 21+ JDK from adoptium.net), then run this again; or set JAVA_HOME to a JDK 21+."
  } >&2
  return 1
}
