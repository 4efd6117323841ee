package dev.berth.conformance;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The suite against any registry given on the command line:
 *
 * <pre>
 * mvn -B -pl berth-conformance -am verify -Dtest=RemoteConformanceTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dberth.conformance.url=http://registry.example:5000 \
 *     [-Dberth.conformance.user=ci -Dberth.conformance.password=...] \
 *     [-Dberth.conformance.name="my registry"] [-Dberth.conformance.namespace=conformance] \
 *     [-Dberth.conformance.capabilities=REFERRERS,DELETE,...|all] [-Dberth.conformance.berth=true]
 *     [-Dberth.conformance.lacks=TAG_ORDER,...]
 * </pre>
 *
 * Without {@code capabilities} nothing optional is declared: each optional behaviour is observed,
 * and what the registry lacks shows up as a skip that says what was seen. Behaviours the spec
 * requires ({@link Capability#requiredBySpec()}) fail when missing, unless listed in {@code lacks}.
 */
@DisplayName("remote registry (-Dberth.conformance.url)")
@EnabledIfSystemProperty(named = "berth.conformance.url", matches = ".+",
    disabledReason = "set -Dberth.conformance.url=http://host:port to run the suite against a registry")
class RemoteConformanceTest implements ConformanceSuite {
  static Target target;

  @BeforeAll
  static void describe() {
    URI url = URI.create(System.getProperty("berth.conformance.url").replaceAll("/+$", ""));
    Target.Builder b = Target.builder(System.getProperty("berth.conformance.name", url.getAuthority()), url)
        .namespace(System.getProperty("berth.conformance.namespace", "conformance"));
    String user = System.getProperty("berth.conformance.user");
    if (user != null && !user.isEmpty()) {
      b.credentials(new Credentials(user, System.getProperty("berth.conformance.password", "")));
    }
    String caps = System.getProperty("berth.conformance.capabilities", "").trim();
    if (caps.equalsIgnoreCase("all")) {
      for (Capability c : Capability.values()) if (c != Capability.BERTH_EXTENSIONS) b.declares(c);
    } else if (!caps.isEmpty()) {
      Arrays.stream(caps.split("[,\\s]+")).map(s -> Capability.valueOf(s.toUpperCase(Locale.ROOT))).forEach(b::declares);
    }
    String lacks = System.getProperty("berth.conformance.lacks", "").trim();
    if (!lacks.isEmpty()) {
      Arrays.stream(lacks.split("[,\\s]+")).map(s -> Capability.valueOf(s.toUpperCase(Locale.ROOT)))
          .forEach(c -> b.lacks(c, "listed as lacking " + c.description() + " (-Dberth.conformance.lacks)"));
    }
    if (Boolean.getBoolean("berth.conformance.berth")) b.declares(Capability.BERTH_EXTENSIONS);
    else b.lacks(Capability.BERTH_EXTENSIONS, "the target is not declared to be berth (-Dberth.conformance.berth=true)");
    target = b.build();
  }

  @Override
  public Target target() {
    return target;
  }
}
