
package org.fijigan.imagej;

import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.Label;
import java.awt.Panel;
import java.awt.TextField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ij.Prefs;
import ij.gui.GenericDialog;

/**
 * The parts of an interactive dialog that are not parameters: the known-models
 * chooser above the model field and the "More options" box that shows the
 * advanced fields. They are plain AWT components in panels, unknown to
 * GenericDialog, so the Recorder never sees them and a macro never needs them.
 * Used on the event thread only.
 */
final class DialogExtras {

	private final GenericDialog gd;
	private final String prefsKey;
	private final List<Component> advanced = new ArrayList<>();
	private Checkbox moreOptions;
	private Choice modelChooser;
	private Map<String, String> models;
	private TextField modelField;

	DialogExtras(GenericDialog gd, String prefsPrefix) {
		this.gd = gd;
		this.prefsKey = prefsPrefix + ".more-options";
	}

	/**
	 * Adds "Known models" (bundled, installed, recent); choosing one fills the
	 * model field below.
	 */
	void addModelChooser() {
		models = ModelChoices.entries();
		modelChooser = new Choice();
		for (String label : models.keySet())
			modelChooser.add(label);
		modelChooser.addItemListener(e -> {
			String value = models.get(modelChooser.getSelectedItem());
			if (modelField != null && value != null && !value.isEmpty()) modelField
				.setText(value);
		});
		Panel p = new Panel(new FlowLayout(FlowLayout.LEFT, 0, 0));
		p.add(new Label("Known models:"));
		p.add(modelChooser);
		gd.addPanel(p);
	}

	/**
	 * The model field the chooser fills; the chooser shows the entry matching its
	 * current text.
	 */
	void setModelField(TextField field) {
		modelField = field;
		if (modelChooser == null) return;
		for (Map.Entry<String, String> e : models.entrySet())
			if (!e.getValue().isEmpty() && e.getValue().equals(field.getText()
				.trim()))
			{
				modelChooser.select(e.getKey());
				break;
			}
	}

	boolean hasAdvancedToggle() {
		return moreOptions != null;
	}

	/**
	 * Adds the "More options" box; the fields added after it through
	 * {@link #foldAway} follow it.
	 */
	void addAdvancedToggle(List<String> labels) {
		moreOptions = new Checkbox("More options (" + String.join(", ", labels)
			.toLowerCase(java.util.Locale.ROOT) + ")", Prefs.get(prefsKey, false));
		moreOptions.addItemListener(e -> {
			Prefs.set(prefsKey, moreOptions.getState());
			showAdvanced(moreOptions.getState());
			gd.pack();
		});
		Panel p = new Panel(new FlowLayout(FlowLayout.LEFT, 0, 0));
		p.add(moreOptions);
		gd.addPanel(p);
	}

	/**
	 * Marks the dialog's components added since {@code firstIndex} as advanced.
	 */
	void foldAway(GenericDialog dialog, int firstIndex) {
		for (int c = firstIndex; c < dialog.getComponentCount(); c++)
			advanced.add(dialog.getComponent(c));
	}

	/**
	 * Hides the advanced fields unless the box is ticked; call once every field
	 * is added.
	 */
	void finish() {
		if (moreOptions != null) showAdvanced(moreOptions.getState());
	}

	private void showAdvanced(boolean show) {
		for (Component c : advanced)
			c.setVisible(show);
	}
}
