package dev.berth.server.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, and explains, whether a principal may do an action on a repository. Namespaces are
 * repository-name prefixes matched component by component ({@code hoge/fuga} covers
 * {@code hoge/fuga/nyanyanya/scala}, not {@code hoge/fugafoo}); {@code ""} covers everything.
 * push and delete imply pull; admin implies all.
 */
public final class Policy {
  public static final List<String> ACTIONS = List.of("pull", "push", "delete", "admin");

  private final AuthStore store;

  public Policy(AuthStore store) {
    this.store = store;
  }

  /**
   * A decision with its explanation.
   *
   * @param allowed the verdict
   * @param reason a stable code (admin, grant, public_namespace, no_credentials, no_grant, action_not_granted, token_scope, token_action, token_owner)
   * @param rule what decided it, e.g. "grant #12 (pull on hoge)"; may be null
   * @param why one clause of explanation, e.g. "user \"ci-bot\" has pull on namespace \"hoge\" (grant #12) but not push"
   * @param remedy what to do, e.g. "ask an admin to run: berth grant push hoge/fuga ci-bot"; null when allowed
   */
  public record Decision(boolean allowed, String reason, String rule, String why, String remedy) {}

  public static boolean covers(String namespace, String repo) {
    return namespace.isEmpty() || repo.equals(namespace) || repo.startsWith(namespace + "/");
  }

  public static Set<String> implied(String action) {
    return switch (action) {
      case "admin" -> Set.of("pull", "push", "delete", "admin");
      case "push" -> Set.of("pull", "push");
      case "delete" -> Set.of("pull", "delete");
      default -> Set.of("pull");
    };
  }

  /** The namespace to suggest in a remedy: the repository's parent, or the repository itself. */
  public static String suggestedNamespace(String repo) {
    int slash = repo.lastIndexOf('/');
    return slash > 0 ? repo.substring(0, slash) : repo;
  }

  public Decision decide(Principal p, String repo, String action) {
    String publicNs = publicNamespace(repo);
    if (action.equals("pull") && publicNs != null) {
      return new Decision(true, "public_namespace", "namespace \"" + publicNs + "\" is public", null, null);
    }
    if (p.isAnonymous()) {
      return new Decision(false, "no_credentials", null,
          "no credentials reached the registry (the request was anonymous)",
          action.equals("pull")
              ? "log in to this registry (docker login / berth login), or ask an admin to make the namespace public: berth namespace public " + suggestedNamespace(repo)
              : "log in to this registry (docker login / berth login) and push again");
    }
    if (p.kind() == Principal.Kind.CI_TOKEN) {
      String tokenDesc = "CI token #" + p.tokenId();
      if (!covers(p.tokenNamespace(), repo)) {
        return new Decision(false, "token_scope", "token #" + p.tokenId(),
            tokenDesc + " is scoped to namespace \"" + p.tokenNamespace() + "\", not " + repo,
            "use a token for this repository: berth token create --ci " + flag(action) + " " + suggestedNamespace(repo) + " --ttl 1h");
      }
      boolean tokenAllows = p.tokenActions().stream().anyMatch(a -> implied(a).contains(action));
      if (!tokenAllows) {
        return new Decision(false, "token_action", "token #" + p.tokenId(),
            tokenDesc + " allows only " + String.join(",", p.tokenActions()) + " on \"" + p.tokenNamespace() + "\", not " + action,
            "create a token with " + action + ": berth token create --ci " + flag(action) + " " + p.tokenNamespace() + " --ttl 1h");
      }
      Decision owner = decideUser(p.name(), false, repo, action);
      if (!owner.allowed()) {
        return new Decision(false, "token_owner", owner.rule(),
            tokenDesc + " belongs to user \"" + p.name() + "\", and " + owner.why(), owner.remedy());
      }
      return new Decision(true, "token", "token #" + p.tokenId() + " + " + owner.rule(), null, null);
    }
    return decideUser(p.name(), p.kind() == Principal.Kind.ROBOT, repo, action);
  }

  private static String flag(String action) {
    return action.equals("admin") ? "--push --delete" : "--" + action;
  }

  private Decision decideUser(String name, boolean robot, String repo, String action) {
    String who = (robot ? "robot" : "user") + " \"" + name + "\"";
    var user = store.user(name);
    if (user.isEmpty()) {
      return new Decision(false, "no_user", null, who + " no longer exists", "ask an admin to create it: berth user add " + name);
    }
    if (user.get().admin()) {
      return new Decision(true, "admin", who + " is an administrator", null, null);
    }
    List<AuthStore.Grant> grants = store.grants(name);
    List<AuthStore.Grant> covering = new ArrayList<>();
    for (AuthStore.Grant g : grants) {
      if (covers(g.namespace(), repo)) {
        if (implied(g.action()).contains(action)) {
          return new Decision(true, "grant", "grant #" + g.id() + " (" + g.action() + " on " + ns(g.namespace()) + ")", null, null);
        }
        covering.add(g);
      }
    }
    String remedy = "ask an admin to run: berth grant " + action + " " + suggestedNamespace(repo) + " " + name;
    if (!covering.isEmpty()) {
      Set<String> has = new LinkedHashSet<>();
      List<String> rules = new ArrayList<>();
      for (AuthStore.Grant g : covering) {
        has.add(g.action() + " on " + ns(g.namespace()));
        rules.add("grant #" + g.id());
      }
      return new Decision(false, "action_not_granted", String.join(", ", rules),
          who + " has " + String.join(" and ", has) + " (" + String.join(", ", rules) + ") but not " + action, remedy);
    }
    String others = grants.isEmpty() ? "it has no grants at all"
        : "its grants: " + String.join(", ", grants.stream().map(g -> g.action() + " on " + ns(g.namespace())).toList());
    return new Decision(false, "no_grant", null, who + " has no grant on " + repo + " or any namespace above it (" + others + ")", remedy);
  }

  private static String ns(String namespace) {
    return namespace.isEmpty() ? "every repository" : "namespace \"" + namespace + "\"";
  }

  private String publicNamespace(String repo) {
    for (String ns : store.publicNamespaces()) {
      if (covers(ns, repo)) return ns;
    }
    return null;
  }
}
