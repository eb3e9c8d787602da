
package org.fijigan.core;

/**
 * A class in the engine's package that breaks its rule (it uses AWT), for
 * ArchitectureTest to show that the rule catches it. Test code only: the rules
 * check the main classes.
 */
public final class LayerViolationFixture {

	private LayerViolationFixture() {}

	public static int red() {
		return java.awt.Color.RED.getRed();
	}
}
