package org.opencloud.discovery;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers' dependencies point one way: routes → product → component → stack; the domain stands apart.
 * Maven enforces the modules' part (the stack has no Camel on its class path, the component does not see the
 * product: their poms' enforcer rules); this checks the packages, across the modules' jars.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // the stack's test helpers
                .importPackages("org.opencloud.discovery");
    }

    @Test
    void theLibp2pStackKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("..discovery.p2p..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..",
                        "..discovery.camel..", "..discovery.propagation..", "..discovery.node..", "..discovery.cli..")
                .check(classes);
    }

    @Test
    void theDomainUsesNeitherCamelNorNetty() {
        noClasses().that().resideInAPackage("..discovery.propagation..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "io.netty..",
                        "..discovery.camel..", "..discovery.node..")
                .check(classes);
    }

    @Test
    void theComponentDoesNotKnowTheDomain() {
        noClasses().that().resideInAPackage("..discovery.camel..")
                .should().dependOnClassesThat().resideInAnyPackage("..discovery.propagation..", "..discovery.node..")
                .check(classes);
    }

    @Test
    void eachLayerShipsInItsOwnModule() {
        assertModule("org.opencloud.discovery.p2p.host.Host", "oc-libp2p", "libp2p");
        assertModule("org.opencloud.discovery.camel.Libp2pComponent", "camel-libp2p", "camel-libp2p");
        assertModule("org.opencloud.discovery.node.Node", "oc-discovery-camel", "oc-discovery");
    }

    /** The class comes from that module's jar, or its build output in a reactor build. */
    private static void assertModule(String className, String artifactId, String moduleDir) {
        String location = classes.get(className).getSource().orElseThrow().getUri().toString();
        assertTrue(location.contains("/" + artifactId + "-") || location.contains("/src/" + moduleDir + "/target/"),
                className + " comes from " + location);
    }

    @Test
    void stackLayersHaveNoCycles() {
        slices().matching("org.opencloud.discovery.p2p.(**)").should().beFreeOfCycles().check(classes);
    }
}
