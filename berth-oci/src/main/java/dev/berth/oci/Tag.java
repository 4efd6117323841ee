package dev.berth.oci;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.util.regex.Pattern;

/** A tag: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. */
public final class Tag {
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  private Tag() {}

  public static boolean isValid(String s) {
    return s != null && TAG.matcher(s).matches();
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
