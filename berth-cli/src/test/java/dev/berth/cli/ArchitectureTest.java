package dev.berth.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module rules of ARCHITECTURE.md, made executable. */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.berth");
  }

  @Test
  void serverNeverImportsAConcreteStorageDriver() {
    noClasses().that().resideInAPackage("dev.berth.server..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.berth.storage.fs..", "dev.berth.storage.s3..")
        .because("drivers are found by ServiceLoader from configuration")
        .check(classes);
  }

  @Test
  void ociDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("dev.berth.oci..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.berth.server..", "dev.berth.storage..", "dev.berth.cli..", "dev.berth.client..", "dev.berth.doctor..")
        .check(classes);
  }

  @Test
  void clientNeverImportsTheServer() {
    noClasses().that().resideInAnyPackage("dev.berth.client..", "dev.berth.doctor..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.berth.server..", "dev.berth.storage..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.berth.(**)").should().beFreeOfCycles().check(classes);
  }
}
