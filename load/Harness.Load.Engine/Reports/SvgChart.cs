using System.Globalization;
using System.Text;

namespace Harness.Load.Reports;

/// <summary>
/// A chart as inline SVG, written by hand: a title, a plot with gridlines at the axes' ticks, tick labels, axis
/// labels, lines and bars, and a legend under it that wraps. Every coordinate goes through the axes, which clamp, so
/// nothing can fall outside the plot or be NaN.
/// </summary>
internal sealed class SvgChart(string title, ChartAxis x, ChartAxis y, ChartAxis? right = null)
{
    private const int Width = 900;
    private const int Left = 70;
    private const int PlotWidth = Width - Left - 70;
    private const int Top = 34;
    private const int PlotHeight = 200;
    private const int Bottom = Top + PlotHeight;

    private readonly StringBuilder marks = new();
    private readonly List<(string Label, string Swatch)> legend = [];
    private bool hasData;

    /// <summary>A line through the finite points, in order; on the right axis when <paramref name="onRight"/>.</summary>
    public void Line(string label, string colour, bool dashed, IEnumerable<(double X, double Y)> points, bool onRight = false)
    {
        var axis = onRight && right is not null ? right : y;
        var at = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => (X: PlotX(p.X), Y: PlotY(axis, p.Y))).ToList();
        var dash = dashed ? " stroke-dasharray=\"6 3\"" : "";
        marks.Append($"<polyline points=\"{string.Join(' ', at.Select(p => $"{F(p.X)},{F(p.Y)}"))}\" fill=\"none\" stroke=\"{colour}\" "
            + $"stroke-width=\"1.8\"{dash}><title>{HtmlText.Encode(label)}</title></polyline>");
        if (at.Count == 1)
        {
            // A line of one point draws nothing: mark the point itself.
            marks.Append($"<circle cx=\"{F(at[0].X)}\" cy=\"{F(at[0].Y)}\" r=\"3\" fill=\"{colour}\"><title>{HtmlText.Encode(label)}</title></circle>");
        }

        hasData |= at.Count > 0;
        legend.Add((label, $"<line x1=\"0\" y1=\"0\" x2=\"20\" y2=\"0\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>"));
    }

    /// <summary>A bar from the bottom of the plot for each span of x with a positive height on the left axis.</summary>
    public void Bars(string label, string colour, IEnumerable<(double From, double To, double Height, string Tooltip)> bars)
    {
        foreach (var (from, to, height, tooltip) in bars.Where(b => b.Height > 0 && double.IsFinite(b.Height)))
        {
            var x1 = PlotX(from);
            var top = PlotY(y, height);
            marks.Append($"<rect x=\"{F(x1)}\" y=\"{F(top)}\" width=\"{F(Math.Max(1, PlotX(to) - x1))}\" height=\"{F(Bottom - top)}\" "
                + $"fill=\"{colour}\" fill-opacity=\"0.55\"><title>{HtmlText.Encode(tooltip)}</title></rect>");
            hasData = true;
        }

        legend.Add((label, $"<rect x=\"0\" y=\"-5\" width=\"20\" height=\"10\" fill=\"{colour}\" fill-opacity=\"0.55\"/>"));
    }

    public string Render()
    {
        var svg = new StringBuilder();
        svg.Append($"<text x=\"{Left}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{HtmlText.Encode(title)}</text>");
        foreach (var t in y.Ticks)
        {
            svg.Append($"<line x1=\"{Left}\" y1=\"{F(PlotY(y, t))}\" x2=\"{Left + PlotWidth}\" y2=\"{F(PlotY(y, t))}\" stroke=\"#eee\"/>")
               .Append($"<text x=\"{Left - 6}\" y=\"{F(PlotY(y, t) + 4)}\" text-anchor=\"end\" fill=\"#555\">{HtmlText.Encode(y.Format(t))}</text>");
        }

        foreach (var t in right?.Ticks ?? [])
        {
            svg.Append($"<text x=\"{Left + PlotWidth + 6}\" y=\"{F(PlotY(right!, t) + 4)}\" fill=\"#555\">{HtmlText.Encode(right!.Format(t))}</text>");
        }

        foreach (var t in x.Ticks)
        {
            svg.Append($"<line x1=\"{F(PlotX(t))}\" y1=\"{Top}\" x2=\"{F(PlotX(t))}\" y2=\"{Bottom + 4}\" stroke=\"#eee\"/>")
               .Append($"<text x=\"{F(PlotX(t))}\" y=\"{Bottom + 16}\" text-anchor=\"middle\" fill=\"#555\">{HtmlText.Encode(x.Format(t))}</text>");
        }

        svg.Append($"<path d=\"M{Left} {Top}V{Bottom}H{Left + PlotWidth}{(right is null ? "" : $"V{Top}")}\" fill=\"none\" stroke=\"#999\"/>")
           .Append($"<text x=\"{Left + (PlotWidth / 2)}\" y=\"{Bottom + 32}\" text-anchor=\"middle\">{HtmlText.Encode(x.Label)}</text>")
           .Append($"<text transform=\"translate(16 {Top + (PlotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{HtmlText.Encode(y.Label)}</text>");
        if (right is not null)
        {
            svg.Append($"<text transform=\"translate({Width - 12} {Top + (PlotHeight / 2)}) rotate(90)\" text-anchor=\"middle\">{HtmlText.Encode(right.Label)}</text>");
        }

        svg.Append(hasData
            ? marks.ToString()
            : $"<text x=\"{Left + (PlotWidth / 2)}\" y=\"{Top + (PlotHeight / 2)}\" text-anchor=\"middle\" fill=\"#777\">no data</text>");
        var height = Legend(svg, Bottom + 50);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" "
            + $"aria-label=\"{HtmlText.Encode(title)}\">{svg}</svg>";
    }

    /// <summary>The legend's entries in rows from <paramref name="top"/>, wrapped to the plot's width; returns the chart's height.</summary>
    private int Legend(StringBuilder svg, int top)
    {
        var (left, row) = (0.0, 0);
        foreach (var (label, swatch) in legend)
        {
            var width = 34 + (label.Length * 6.5);
            if (left > 0 && left + width > PlotWidth)
            {
                (left, row) = (0, row + 1);
            }

            svg.Append($"<g transform=\"translate({F(Left + left)} {top + (row * 18)})\">{swatch}<text x=\"26\" y=\"4\">{HtmlText.Encode(label)}</text></g>");
            left += width;
        }

        return top + ((row + 1) * 18);
    }

    private double PlotX(double value) => Left + (x.Fraction(value) * PlotWidth);

    private static double PlotY(ChartAxis axis, double value) => Bottom - (axis.Fraction(value) * PlotHeight);

    private static string F(double value) => double.IsFinite(value) ? value.ToString("0.#", CultureInfo.InvariantCulture) : "0";
}
