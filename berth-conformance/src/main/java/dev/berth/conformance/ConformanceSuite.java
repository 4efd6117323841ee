package dev.berth.conformance;

/**
 * The whole suite. A concrete JUnit class implements this interface, provides {@link #target()}
 * (usually from a static field set up in {@code @BeforeAll}), and inherits one test per spec
 * behaviour, tagged by area: pull, push, discovery, management, referrers, errors (and berth for
 * berth's own promises). Run a single area with {@code -Dgroups=<area>}.
 */
public interface ConformanceSuite
    extends PullConformance, PushConformance, DiscoveryConformance, ManagementConformance, ReferrersConformance, ErrorsConformance {}
