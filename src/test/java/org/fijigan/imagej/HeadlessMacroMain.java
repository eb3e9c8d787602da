
package org.fijigan.imagej;

/**
 * Entry point of the JVM that {@link MacroPathTest} starts: applies the ImageJ
 * patcher (as Fiji's --headless mode does) before any ImageJ class loads, then
 * runs {@link MacroScenario}. This class names no ImageJ type, so loading it
 * loads none.
 */
public final class HeadlessMacroMain {

	static {
		net.imagej.patcher.LegacyInjector.preinit();
	}

	private HeadlessMacroMain() {}

	/** @param args a writable scratch folder */
	public static void main(String[] args) {
		MacroScenario.run(java.nio.file.Path.of(args[0]));
		System.out.println("MACRO SCENARIO PASSED");
		System.exit(0);
	}
}
