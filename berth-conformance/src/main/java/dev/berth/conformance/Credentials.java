package dev.berth.conformance;

/** A user name and password (or token) the suite presents when a registry asks for them. */
public record Credentials(String user, String password) {
  public Credentials {
    if (user == null || user.isEmpty()) throw new IllegalArgumentException("user is empty");
    if (password == null) throw new IllegalArgumentException("password is null");
  }

  @Override
  public String toString() {
    return "Credentials[user=" + user + ", password=***]";
  }
}
