package dev.berth.server.auth;

import java.util.Set;

/**
 * Who is asking. {@link #describe()} is how messages name them ({@code user "ci-bot"},
 * {@code CI token #7 of user "alice"}, {@code anonymous}); {@link #subject()} is the stable key
 * used in tokens and the audit log.
 */
public record Principal(Kind kind, String name, long tokenId, Set<String> tokenActions, String tokenNamespace) {
  public enum Kind { ANONYMOUS, USER, ROBOT, CI_TOKEN }

  public static final Principal ANONYMOUS = new Principal(Kind.ANONYMOUS, null, 0, Set.of(), null);

  public static Principal user(String name, boolean robot) {
    return new Principal(robot ? Kind.ROBOT : Kind.USER, name, 0, Set.of(), null);
  }

  public static Principal ciToken(long id, String owner, Set<String> actions, String namespace) {
    return new Principal(Kind.CI_TOKEN, owner, id, Set.copyOf(actions), namespace);
  }

  public boolean isAnonymous() {
    return kind == Kind.ANONYMOUS;
  }

  public String describe() {
    return switch (kind) {
      case ANONYMOUS -> "anonymous";
      case USER -> "user \"" + name + "\"";
      case ROBOT -> "robot \"" + name + "\"";
      case CI_TOKEN -> "CI token #" + tokenId + " of user \"" + name + "\"";
    };
  }

  /** Stable text form: {@code anonymous}, {@code user:NAME}, {@code token:ID}. */
  public String subject() {
    return switch (kind) {
      case ANONYMOUS -> "anonymous";
      case USER, ROBOT -> "user:" + name;
      case CI_TOKEN -> "token:" + tokenId;
    };
  }
}
