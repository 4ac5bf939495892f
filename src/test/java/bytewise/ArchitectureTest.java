package bytewise;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layering rules of docs/architecture.md, checked on the compiled main classes. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("bytewise");
    }

    @Test
    void onlyTheStudioUsesJavaFx() {
        noClasses().that().resideOutsideOfPackage("bytewise.app..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..")
                .check(classes);
    }

    @Test
    void theEngineKnowsNoFilesCommandLineOrStudio() {
        noClasses().that().resideInAnyPackage("bytewise.kernels..", "bytewise.model..", "bytewise.data..",
                        "bytewise.train..", "bytewise.sample..", "bytewise.inspect..")
                .should().dependOnClassesThat().resideInAnyPackage("bytewise.io..", "bytewise.cli..", "bytewise.app..")
                .check(classes);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("bytewise.(*)..").should().beFreeOfCycles().check(classes);
    }
}
