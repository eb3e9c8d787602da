
package org.fijigan.core.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.fijigan.core.GanException;
import org.fijigan.core.model.GeneratorSpec;
import org.junit.jupiter.api.Test;

/** How class folders are numbered, for fine-tuning and evaluation alike. */
class ClassFoldersTest {

	private static GeneratorSpec generator(int classes, List<String> names) {
		return new GeneratorSpec("z", 8, new long[] { -1, 8 }, "label", classes,
			names);
	}

	@Test
	void namedClassesTakeTheModelsNumbers() {
		ClassFolders c = ClassFolders.of(generator(3, List.of("axial", "coronal",
			"sagittal")), List.of("sagittal", "axial", "sagittal"));
		assertEquals(List.of("axial", "coronal", "sagittal"), c.names());
		assertEquals(Map.of("axial", 0, "sagittal", 2), c.labels());
		GanException e = assertThrows(GanException.class, () -> ClassFolders.of(
			generator(3, List.of("axial", "coronal", "sagittal")), List.of("axial",
				"brain")));
		assertEquals(
			"sub-folder 'brain' is not one of the model's classes [axial, coronal, sagittal]: " +
				"name the sub-folders after them or by label number (0..2)", e
					.getMessage());
	}

	@Test
	void aFolderNamesAClassIgnoringCaseOrByItsNumber() {
		GeneratorSpec g = generator(3, List.of("axial", "coronal", "sagittal"));
		ClassFolders c = ClassFolders.of(g, List.of("Sagittal", "1", "AXIAL"));
		assertEquals(Map.of("AXIAL", 0, "1", 1, "Sagittal", 2), c.labels());
		assertEquals(c, c.requireOneFolderEach());
		assertThrows(GanException.class, () -> ClassFolders.of(g, List.of("3")));
		ClassFolders twice = ClassFolders.of(g, List.of("axial", "0", "coronal"));
		assertEquals(Map.of("0", 0, "axial", 0, "coronal", 1), twice.labels());
		GanException e = assertThrows(GanException.class,
			twice::requireOneFolderEach);
		assertEquals(
			"sub-folders '0' and 'axial' both name class axial: put each class's images " +
				"in one sub-folder", e.getMessage());
	}

	@Test
	void numberedFoldersAreTheirNumbersAndOthersGoInSortedOrder() {
		ClassFolders numbered = ClassFolders.of(generator(10, List.of()), List.of(
			"3", "007", "0"));
		assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"), numbered
			.names());
		assertEquals(Map.of("0", 0, "007", 7, "3", 3), numbered.labels());
		ClassFolders sorted = ClassFolders.forTraining(generator(0, List.of()), List
			.of("dogs", "birds", "cats"));
		assertEquals(List.of("birds", "cats", "dogs"), sorted.names());
		assertEquals(List.of("birds", "cats", "dogs"), List.copyOf(sorted.labels()
			.keySet()));
		assertEquals(2, sorted.labels().get("dogs"));
		GanException e = assertThrows(GanException.class, () -> ClassFolders
			.forTraining(generator(2, List.of()), List.of("birds", "cats", "dogs")));
		assertEquals(
			"sub-folder 'dogs' would be class 2 but the model has 2 classes (0..1); classes " +
				"are numbered by sorted sub-folder name", e.getMessage());
	}

	@Test
	void namedFoldersOfAModelWithoutNamesAreReadOnlyToTrainOn() {
		// beta and gamma hold classes 1 and 2: their rank among the folders
		// present (0, 1) is not their label
		GeneratorSpec g = generator(3, List.of());
		GanException e = assertThrows(GanException.class, () -> ClassFolders.of(g,
			List.of("gamma", "beta")));
		assertEquals("sub-folder 'beta' is not a label number, and the model " +
			"names no classes, so which class it holds is unknown: name the class " +
			"sub-folders by label number (0..2), or fine-tune the model on named " +
			"folders, which records their names", e.getMessage());
		assertEquals(Map.of("1", 1, "2", 2), ClassFolders.of(g, List.of("2", "1"))
			.labels());
		assertThrows(GanException.class, () -> ClassFolders.of(generator(0, List
			.of()), List.of("0", "cats")));
		assertEquals(Map.of("beta", 0, "gamma", 1), ClassFolders.forTraining(g, List
			.of("gamma", "beta")).labels());
	}

	@Test
	void anImageOutsideAFolderHasNoClass() {
		assertEquals("cats", ClassFolders.classOf("cats/tom.png", "images"));
		GanException e = assertThrows(GanException.class, () -> ClassFolders
			.classOf("tom.png", "real images"));
		assertEquals(
			"the generator takes a class label, so the real images must sit in sub-folders " +
				"named by class (one per class), but 'tom.png' is not in a sub-folder",
			e.getMessage());
	}
}
