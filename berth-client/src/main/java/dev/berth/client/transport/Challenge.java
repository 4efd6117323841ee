package dev.berth.client.transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge: a scheme ({@code basic} or {@code bearer}, lowercased)
 * and its parameters ({@code realm}, {@code service}, {@code scope}, {@code error}). Parses the
 * RFC 7235 grammar: quoted strings with backslash escapes, tokens, and several challenges in one
 * header separated by commas.
 */
public record Challenge(String scheme, Map<String, String> params) {
  public String param(String name) {
    return params.get(name);
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  /** The first challenge berth can answer (Bearer preferred over Basic), from all the headers. */
  public static Optional<Challenge> pick(List<String> headerValues) {
    Challenge basic = null;
    for (String h : headerValues) {
      for (Challenge c : parse(h)) {
        if (c.isBearer()) return Optional.of(c);
        if (c.isBasic() && basic == null) basic = c;
      }
    }
    return Optional.ofNullable(basic);
  }

  public static List<Challenge> parse(String header) {
    List<Challenge> out = new java.util.ArrayList<>();
    int i = 0;
    int n = header.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',' || header.charAt(i) == '\t')) i++;
      if (i >= n) break;
      int start = i;
      while (i < n && isTokenChar(header.charAt(i))) i++;
      String token = header.substring(start, i);
      if (token.isEmpty()) {
        i++;
        continue;
      }
      int j = i;
      while (j < n && header.charAt(j) == ' ') j++;
      if (j < n && header.charAt(j) == '=' && scheme != null) {
        // a parameter of the current challenge
        i = j + 1;
        while (i < n && header.charAt(i) == ' ') i++;
        String value;
        if (i < n && header.charAt(i) == '"') {
          StringBuilder v = new StringBuilder();
          i++;
          while (i < n && header.charAt(i) != '"') {
            char c = header.charAt(i);
            if (c == '\\' && i + 1 < n) {
              c = header.charAt(++i);
            }
            v.append(c);
            i++;
          }
          i++;
          value = v.toString();
        } else {
          int vs = i;
          while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') i++;
          value = header.substring(vs, i);
        }
        params.put(token.toLowerCase(Locale.ROOT), value);
      } else {
        if (scheme != null) out.add(new Challenge(scheme, Map.copyOf(params)));
        scheme = token.toLowerCase(Locale.ROOT);
        params = new LinkedHashMap<>();
      }
    }
    if (scheme != null) out.add(new Challenge(scheme, Map.copyOf(params)));
    return out;
  }

  private static boolean isTokenChar(char c) {
    return c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
  }
}
