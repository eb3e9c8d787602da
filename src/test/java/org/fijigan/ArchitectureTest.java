
package org.fijigan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.fijigan.core.GanException;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of fiji-gan, stated as rules over the compiled main classes (tests
 * are not checked):
 *
 * <pre>
 *   org.fijigan.cli  (picocli)         org.fijigan.imagej  (SciJava commands, dialogs)
 *                  \                 /
 *              org.fijigan.ij1   the ImageJ 1 I/O layer both front ends share
 *                          |
 *              org.fijigan.core  the engine: no ImageJ, SciJava, AWT, Swing or picocli
 * </pre>
 *
 * A layer depends only on those below it, the two front ends never on each
 * other, and no package depends on itself through others (no cycles). A broken
 * rule names itself and says why it holds.
 * <p>
 * The rules are run by {@code @ArchTest} methods, not
 * {@code @ArchTest ArchRule} fields: Maven Surefire 3.5.3 silently skips fields
 * (TNG/ArchUnit#1442, fixed in Surefire 3.5.4). {@code archunit.properties}
 * keeps the libraries' classes out of the import: the rules look only at the
 * packages that fiji-gan's classes depend on. Importing the main classes costs
 * about 2 s of CPU, once for all rules.
 */
@AnalyzeClasses(locations = ArchitectureTest.MainClasses.class)
class ArchitectureTest {

	/**
	 * The folder (or jar) of the compiled main classes, found through one of
	 * them: exactly what the rules check, and quicker to import than a package
	 * searched for on the whole class path.
	 */
	static final class MainClasses implements LocationProvider {

		@Override
		public Set<Location> get(Class<?> testClass) {
			return Set.of(Location.of(GanException.class.getProtectionDomain()
				.getCodeSource().getLocation()));
		}
	}

	static final ArchRule CORE = noClasses().that().resideInAPackage(
		"org.fijigan.core..").should().dependOnClassesThat().resideInAnyPackage(
			"ij..", "net.imagej..", "org.scijava..", "java.awt..", "javax.swing..",
			"picocli..", "org.fijigan.ij1..", "org.fijigan.imagej..",
			"org.fijigan.cli..").as(
				"the engine (org.fijigan.core) uses no ImageJ, SciJava, AWT, Swing or picocli, and nothing " +
					"of the layers above it (ij1, imagej, cli)").because(
						"it must run headless: in the command line, in Fiji, in a test without a display; " +
							"images reach it as RasterImage and files through the ImageCodec an adapter passes in");

	static final ArchRule IJ1 = noClasses().that().resideInAPackage(
		"org.fijigan.ij1..").should().dependOnClassesThat().resideInAnyPackage(
			"org.scijava..", "net.imagej..", "picocli..", "org.fijigan.imagej..",
			"org.fijigan.cli..").as(
				"the ImageJ 1 I/O layer (org.fijigan.ij1) uses only the engine and ImageJ 1: no SciJava, " +
					"no picocli, nothing of the Fiji commands (imagej) or the command line (cli)")
		.because(
			"both front ends read, write and draw images with it, so it can carry neither");

	static final ArchRule CLI = noClasses().that().resideInAPackage(
		"org.fijigan.cli..").should().dependOnClassesThat().resideInAnyPackage(
			"org.fijigan.imagej..", "org.scijava..").as(
				"the command line (org.fijigan.cli) uses nothing of the Fiji commands (imagej) or SciJava")
		.because(
			"what both front ends need lives in the engine (core) or in the ImageJ 1 I/O layer " +
				"(ij1); the command line must not drag the Fiji user interface along");

	static final ArchRule IMAGEJ = noClasses().that().resideInAPackage(
		"org.fijigan.imagej..").should().dependOnClassesThat().resideInAnyPackage(
			"org.fijigan.cli..", "picocli..").as(
				"the Fiji commands (org.fijigan.imagej) use nothing of the command line (cli) or picocli")
		.because(
			"what both front ends need lives in the engine (core) or in the ImageJ 1 I/O layer (ij1)");

	static final ArchRule NO_CYCLES = slices().matching("org.fijigan.(**)")
		.should().beFreeOfCycles().as(
			"no package of org.fijigan depends on itself through other packages (no package cycles)")
		.because(
			"a cycle ties its packages into one unit that can be neither read, tested nor " +
				"reused apart; break it by moving the shared type to the lower package");

	@ArchTest
	static void coreIsAHeadlessEngine(JavaClasses main) {
		CORE.check(main);
	}

	@ArchTest
	static void ij1IsImageJ1Only(JavaClasses main) {
		IJ1.check(main);
	}

	@ArchTest
	static void commandLineIsNoFijiCommand(JavaClasses main) {
		CLI.check(main);
	}

	@ArchTest
	static void fijiCommandsAreNoCommandLine(JavaClasses main) {
		IMAGEJ.check(main);
	}

	@ArchTest
	static void noPackageCycles(JavaClasses main) {
		NO_CYCLES.check(main);
	}

	/**
	 * The rules are not vacuous: the engine's rule catches an AWT dependency and
	 * says which rule broke.
	 */
	@ArchTest
	static void aBrokenRuleNamesItselfAndTheOffendingDependency(
		JavaClasses ignored)
	{
		JavaClasses offender = new ClassFileImporter().importClasses(
			org.fijigan.core.LayerViolationFixture.class);
		AssertionError e = assertThrows(AssertionError.class, () -> CORE.check(
			offender));
		assertTrue(e.getMessage().contains(
			"the engine (org.fijigan.core) uses no ImageJ, SciJava, AWT"), e
				.getMessage());
		assertTrue(e.getMessage().contains("because it must run headless"), e
			.getMessage());
		assertTrue(e.getMessage().contains("java.awt.Color"), e.getMessage());
	}
}
