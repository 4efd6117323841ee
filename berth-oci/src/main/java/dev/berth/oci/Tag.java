package dev.berth.oci;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;

/** A tag: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. */
public final class Tag {
  /** The grammar, checked by hand in {@link #isValid} (it runs on every manifest request). */
  static final String GRAMMAR = "[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}";

  private Tag() {}

  public static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) return false;
    char first = s.charAt(0);
    if (first == '.' || first == '-') return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) return false;
    }
    return true;
  }

  public static String check(String s) {
    if (!isValid(s)) {
      String shown = s == null ? "" : s.length() > 140 ? s.substring(0, 140) + "…" : s;
      String why = s == null || s.isEmpty() ? "it is empty"
          : s.length() > 128 ? "it is " + s.length() + " characters long; at most 128 are allowed"
          : "a tag is 1 to 128 characters of [a-zA-Z0-9._-] and may not start with '.' or '-'";
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag \"" + shown + "\": " + why,
          ErrorDetail.reason("tag_invalid").with("tag", shown), 400, null);
    }
    return s;
  }
}
