package dev.servercore.reliability;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws the soak's samples as one PNG, a small line chart per series, with Java2D only (headless): nothing
 * to install beyond Java 17.
 */
final class Chart {

	private static final int PANEL_WIDTH = 600;

	private static final int PANEL_HEIGHT = 260;

	private static final int MARGIN = 50;

	private Chart() {
	}

	static void draw(Path file, String title, List<Soak.Series> series, List<double[]> samples, double warmupShare)
			throws IOException {
		System.setProperty("java.awt.headless", "true");
		int columns = 2;
		int rows = (series.size() + 1) / 2;
		BufferedImage image = new BufferedImage(columns * PANEL_WIDTH, 40 + rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
		g.drawString(title, 12, 26);
		double end = samples.isEmpty() ? 1 : Math.max(1, samples.get(samples.size() - 1)[0]);
		for (int i = 0; i < series.size(); i++) {
			int x0 = (i % columns) * PANEL_WIDTH;
			int y0 = 40 + (i / columns) * PANEL_HEIGHT;
			panel(g, x0, y0, series.get(i), samples, i + 1, end, warmupShare);
		}
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D g, int x0, int y0, Soak.Series series, List<double[]> samples, int column,
			double end, double warmupShare) {
		int left = x0 + MARGIN + 20;
		int right = x0 + PANEL_WIDTH - 20;
		int top = y0 + 30;
		int bottom = y0 + PANEL_HEIGHT - 40;
		double min = Double.MAX_VALUE;
		double max = -Double.MAX_VALUE;
		for (double[] sample : samples) {
			min = Math.min(min, sample[column]);
			max = Math.max(max, sample[column]);
		}
		if (samples.isEmpty()) {
			min = 0;
			max = 1;
		}
		// From zero, so that a small drift does not look like a cliff.
		min = Math.min(0, min);
		max = (max <= min) ? min + 1 : max * 1.1;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(series.name() + (series.unit().isEmpty() ? "" : " (" + series.unit() + ")"), left, y0 + 20);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.setColor(new Color(235, 235, 235));
		int warmupX = left + (int) ((right - left) * warmupShare);
		g.fillRect(left, top, warmupX - left, bottom - top);
		g.setColor(Color.GRAY);
		g.drawRect(left, top, right - left, bottom - top);
		for (int tick = 0; tick <= 4; tick++) {
			double value = min + (max - min) * tick / 4;
			int y = bottom - (bottom - top) * tick / 4;
			g.drawLine(left - 4, y, left, y);
			g.drawString(String.format((max - min < 10) ? "%.1f" : "%.0f", value), x0 + 8, y + 4);
		}
		for (int tick = 0; tick <= 5; tick++) {
			int x = left + (right - left) * tick / 5;
			g.drawLine(x, bottom, x, bottom + 4);
			g.drawString(String.format("%.1f min", end * tick / 5 / 60), x - 18, bottom + 18);
		}
		g.setColor(new Color(31, 119, 180));
		g.setStroke(new BasicStroke(1.6f));
		int previousX = -1;
		int previousY = -1;
		for (double[] sample : samples) {
			int x = left + (int) ((right - left) * sample[0] / end);
			int y = bottom - (int) ((bottom - top) * (sample[column] - min) / (max - min));
			if (previousX >= 0) {
				g.drawLine(previousX, previousY, x, y);
			}
			previousX = x;
			previousY = y;
		}
		g.setStroke(new BasicStroke(1f));
	}

}
