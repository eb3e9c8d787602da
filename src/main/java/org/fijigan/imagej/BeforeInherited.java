
package org.fijigan.imagej;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a command: the {@code @Parameter} fields it declares that
 * {@link ParameterDialog} lists before the fields of its direct superclass (in
 * the dialog, in the macro keys and in a recorded macro); without it,
 * superclass fields come first. {@link BatchProcessFolderCommand} names its
 * folders, task, mask and format, so that they come before the inference
 * options it inherits from {@link InferenceCommand}, in the order a user fills
 * them in. SciJava's own input harvesting, which the menus do not use, keeps
 * listing superclass fields first.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface BeforeInherited {

	/**
	 * Names of fields the command itself declares; they keep their declaration
	 * order.
	 */
	String[] value();
}
