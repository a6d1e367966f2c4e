using System.Text;
using Harness.Load.Reports;

namespace Harness.Load.Tests.Reports;

public sealed class CsvReportTests
{
    [Fact]
    public void RenderSteps_FullReport_HasAHeaderAndARowPerStepOfFourteenFields()
    {
        var csv = CsvReport.RenderSteps(SampleReports.Full());

        var rows = Parse(csv);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(14, r.Count));
        Assert.Equal("scenario,step,count,ok,failed,rps,min_ms,mean_ms,p50_ms,p75_ms,p95_ms,p99_ms,max_ms,failures\r\n", csv[..(csv.IndexOf('\n') + 1)]);
        Assert.Equal(["churn", "assign-private-ip", "800", "770", "30", "190.5", "0.84", "3.41", "2.87", "3.95", "7.12", "18.44", "41.9",
            "InvalidParameterValue=18;RequestLimitExceeded=12"], rows[1]);
        Assert.Contains("\r\nchurn,\"describe-instances, filtered\",800,800,0,200.25,", csv);
        Assert.Equal("", rows[2][13]);
    }

    [Fact]
    public void RenderSteps_QuotesAndNonFiniteNumbers_AreQuotedAndLeftEmpty()
    {
        var report = SampleReports.Full();
        var churn = report.Scenarios[0];
        report = report with { Scenarios = [churn with { Steps = [churn.Steps[0] with { Name = "say \"hi\"\nthen go", RequestsPerSecond = double.NaN }] }] };

        var csv = CsvReport.RenderSteps(report);

        Assert.Contains("churn,\"say \"\"hi\"\"\nthen go\",800,770,30,,0.84,", csv);
        Assert.Equal("say \"hi\"\nthen go", Parse(csv)[1][1]);
    }

    [Fact]
    public void RenderTimeline_FullReport_HasARowPerSlotOfEightFields()
    {
        var rows = Parse(CsvReport.RenderTimeline(SampleReports.Full()));

        Assert.Equal(1 + (3 * 4), rows.Count);
        Assert.Equal(["scenario", "step", "at_s", "ok", "failed", "rps", "p50_ms", "p99_ms"], rows[0]);
        Assert.All(rows, r => Assert.Equal(8, r.Count));
        Assert.Equal(["churn", "assign-private-ip", "2", "192", "7", "200", "3.444", "20.284"], rows[2]);
        Assert.Equal("describe-instances, filtered", rows[5][1]);
    }

    [Fact]
    public void RenderConvergence_FullReport_HasARowPerBucket()
    {
        var rows = Parse(CsvReport.RenderConvergence(SampleReports.Full()));

        Assert.Equal([["from_ms", "to_ms", "count"], ["0", "500", "60"], ["500", "1000", "180"], ["1000", "1500", "90"], ["1500", "2000", "35"], ["2000", "3500", "15"]], rows);
    }

    [Fact]
    public void Render_EmptyReport_IsTheHeadersAlone()
    {
        var empty = SampleReports.Empty();

        Assert.Single(Parse(CsvReport.RenderSteps(empty)));
        Assert.Single(Parse(CsvReport.RenderTimeline(empty)));
        Assert.Equal("from_ms,to_ms,count\r\n", CsvReport.RenderConvergence(empty));
    }

    /// <summary>An RFC 4180 reader: records end in CRLF, quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<List<string>> Parse(string csv)
    {
        var (rows, row, field, quoted) = (new List<List<string>>(), new List<string>(), new StringBuilder(), false);
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append(csv[++i]);
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                Assert.Equal(0, field.Length);
                quoted = true;
            }
            else if (c == ',' || (c == '\r' && csv[i + 1] == '\n'))
            {
                row.Add(field.ToString());
                field.Clear();
                if (c == '\r')
                {
                    rows.Add(row);
                    row = [];
                    i++;
                }
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.False(quoted);
        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows;
    }
}
