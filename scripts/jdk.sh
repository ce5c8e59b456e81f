# shellcheck shell=bash
# Sourced by ./harmont and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME, and picks the
# Maven to build with (mvn, else ./mvnw).
# Order: $JAVA_HOME, then the usual install folders (newest first), then `java` on PATH.

harmont_java_major() {
  # Prints the major version of the JDK at $1 (e.g. 25), or nothing if it is not a JDK.
  local home=$1
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  # The release file answers without starting a JVM (that costs 0.2-1 s of every launch).
  if [ -f "$home/release" ]; then
    local v
    v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$home/release" | head -n 1)
    if [ -n "$v" ]; then
      echo "$v"
      return 0
    fi
  fi
  "$home/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

harmont_find_jdk() {
  local min=21 candidate major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local dir
  for dir in /usr/lib/jvm /usr/java /opt/java /opt/jdk /Library/Java/JavaVirtualMachines "$HOME/.sdkman/candidates/java" "$HOME/.jdks"; do
    [ -d "$dir" ] || continue
    while IFS= read -r candidate; do
      [ -d "$candidate/Contents/Home" ] && candidate="$candidate/Contents/Home"
      candidates+=("$candidate")
    done < <(find "$dir" -mindepth 1 -maxdepth 1 \( -type d -o -type l \) 2>/dev/null | sort -rV)
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    major=$(harmont_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then
      export JAVA_HOME=$candidate
      return 0
    fi
  done
  cat >&2 <<MSG
harmont: no JDK ${min} or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt/java,
/Library/Java/JavaVirtualMachines, ~/.sdkman and the javac on PATH).
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk   (or temurin-25-jdk from Adoptium)
  macOS:          brew install openjdk@21
then run this again, or point JAVA_HOME at it.
MSG
  return 1
}

harmont_require_maven() {
  # Sets HARMONT_MVN to the Maven to build with: `mvn` when one is on PATH, else the repository's
  # Maven Wrapper (./mvnw), which downloads the Maven named in .mvn/wrapper/ once (into
  # ~/.m2/wrapper) and needs nothing but the JDK found above.
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if command -v mvn >/dev/null 2>&1; then
    HARMONT_MVN=mvn
  elif [ -x "$root/mvnw" ]; then
    HARMONT_MVN="$root/mvnw"
  else
    echo "harmont: Maven is needed to build and neither mvn nor $root/mvnw was found (Debian/Ubuntu: sudo apt-get install maven; macOS: brew install maven)." >&2
    return 1
  fi
}
