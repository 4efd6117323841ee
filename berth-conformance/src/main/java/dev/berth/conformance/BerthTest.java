package dev.berth.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A berth-specific expectation (beyond the OCI spec). Such tests abort unless the target declares
 * {@link Capability#BERTH_EXTENSIONS}; leave them out with {@code -DexcludedGroups=berth}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Test
@Tag("berth")
public @interface BerthTest {}
