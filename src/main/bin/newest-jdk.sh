#!/usr/bin/env bash
# Prints the home of the newest JDK under /usr/lib/jvm (Temurin first among equal versions), or
# $JAVA_HOME when none is found there. The library is compiled for Java 17; a newer JDK runs it
# faster (its ChaCha20-Poly1305, which Noise uses, is several times faster on Java 25).
best="" best_version=""
for release in /usr/lib/jvm/*/release; do
  [ -x "$(dirname "$release")/bin/java" ] || continue
  version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release")
  [ -n "$version" ] || continue
  if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -1)" != "$best_version" ] \
     || { [ "$version" = "$best_version" ] && [[ "$release" == *temurin* ]]; }; then
    best=$(dirname "$release"); best_version=$version
  fi
done
echo "${best:-${JAVA_HOME:-}}"
