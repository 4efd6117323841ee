# Sourced by ./berth and ./run-tests: finds a JDK 21+ and sets BERTH_JDK (its home).
# Looks at $BERTH_JAVA_HOME, $JAVA_HOME, the java on PATH, then /usr/lib/jvm/* (newest first).

berth_java_major() { # $1 = path to a java binary; prints its feature version
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

berth_find_jdk() { # $1 = "jdk" to require javac, "jre" for java only
  local need=$1 cand home major seen=""
  local cands=()
  [ -n "${BERTH_JAVA_HOME:-}" ] && cands+=("$BERTH_JAVA_HOME")
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do cands+=("${home%/}"); done
  local seen_homes=" "
  for home in "${cands[@]}"; do
    [ -x "$home/bin/java" ] || continue
    home=$(readlink -f "$home")
    case "$seen_homes" in *" $home "*) continue ;; esac
    seen_homes="$seen_homes$home "
    major=$(berth_java_major "$home/bin/java")
    seen="$seen
  $home: Java ${major:-?}"
    [ -n "$major" ] && [ "$major" -ge 21 ] || continue
    if [ "$need" = jdk ] && [ ! -x "$home/bin/javac" ]; then continue; fi
    BERTH_JDK=$home
    return 0
  done
  {
    local what="Java 21 or newer"
    [ "$need" = jdk ] && what="a JDK 21 or newer (to build berth)"
    echo "berth needs $what, and none was found.${seen:+ Found:$seen}"
    echo "Install one, e.g. on Debian 13: apt-get install openjdk-21-jdk-headless (Debian 12: a Temurin 21+ JDK from adoptium.net), then run this again; or set JAVA_HOME to a JDK 21+."
  } >&2
  return 1
}
