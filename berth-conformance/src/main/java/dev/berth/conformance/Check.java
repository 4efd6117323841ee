package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Assertions on responses. Every failure message carries the whole exchange. */
public final class Check {
  private Check() {}

  /** The 14 error codes of the distribution-spec. */
  public static final Set<String> SPEC_ERROR_CODES = Set.of(
      "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
      "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED",
      "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS");

  private static final Pattern UPLOAD_RANGE = Pattern.compile("^(?:bytes=)?0-(\\d+)$");
  private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  public static Response status(Response r, int... allowed) {
    assertThat(r.status())
        .as("HTTP status, expected %s\n%s", Arrays.toString(allowed), r)
        .isIn(Arrays.stream(allowed).boxed().toList());
    return r;
  }

  /** The header's value; fails when it is absent. */
  public static String header(Response r, String name) {
    assertThat(r.header(name)).as("header %s\n%s", name, r).isPresent();
    return r.headerOrNull(name);
  }

  public static void header(Response r, String name, String expected) {
    assertThat(r.headerOrNull(name)).as("header %s\n%s", name, r).isEqualTo(expected);
  }

  public static void digestHeader(Response r, String expected) {
    header(r, "Docker-Content-Digest", expected);
  }

  public static void contentLength(Response r, long expected) {
    assertThat(r.headerOrNull("Content-Length")).as("Content-Length\n%s", r).isEqualTo(Long.toString(expected));
  }

  public static void body(Response r, byte[] expected) {
    assertThat(r.body()).as("body (%d bytes expected, %d received)\n%s", expected.length, r.body().length, r).isEqualTo(expected);
  }

  /**
   * The end offset of an upload's Range header ({@code 0-<end>}; the legacy {@code bytes=0-<end>} is
   * accepted too).
   */
  public static long uploadRangeEnd(Response r) {
    String v = header(r, "Range");
    Matcher m = UPLOAD_RANGE.matcher(v.trim());
    assertThat(m.matches()).as("Range header %s is not 0-<end>\n%s", v, r).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The target of a {@code Link: <...>; rel="next"} header, or null when there is none. */
  public static String nextLink(Response r) {
    for (String v : r.allHeaders("Link")) {
      Matcher m = LINK_NEXT.matcher(v);
      if (m.find()) return m.group(1);
    }
    return null;
  }

  /**
   * Asserts the OCI error envelope {@code {"errors":[{"code","message","detail"}]}}: an object with a
   * non-empty "errors" array whose entries have a "code" from the spec, a string "message" when
   * present. Returns the codes in order.
   */
  public static List<String> envelope(Response r) {
    JsonNode root = r.json();
    assertThat(root.isObject()).as("error body is a JSON object\n%s", r).isTrue();
    JsonNode errors = root.get("errors");
    assertThat(errors != null && errors.isArray() && !errors.isEmpty())
        .as("error body has a non-empty \"errors\" array\n%s", r).isTrue();
    List<String> codes = new ArrayList<>();
    for (JsonNode e : errors) {
      assertThat(e.isObject()).as("each error is an object\n%s", r).isTrue();
      JsonNode code = e.get("code");
      assertThat(code != null && code.isTextual()).as("error has a string \"code\"\n%s", r).isTrue();
      assertThat(code.asText()).as("error code is one of the spec's codes\n%s", r).isIn(SPEC_ERROR_CODES);
      JsonNode message = e.get("message");
      if (message != null) assertThat(message.isTextual()).as("\"message\" is a string\n%s", r).isTrue();
      codes.add(code.asText());
    }
    return codes;
  }

  /**
   * Asserts an error response: the status, the envelope, and that the first error's code is one of
   * {@code codes}. Returns that error object.
   */
  public static JsonNode error(Response r, int status, String... codes) {
    status(r, status);
    List<String> got = envelope(r);
    assertThat(got.get(0)).as("error code, expected one of %s\n%s", Arrays.toString(codes), r).isIn((Object[]) codes);
    return r.json().get("errors").get(0);
  }

  /** Like {@link #error} but for HEAD (no body): only the status. */
  public static void headStatus(Response r, int status) {
    status(r, status);
    assertThat(r.body()).as("HEAD response has no body\n%s", r).isEmpty();
  }
}
