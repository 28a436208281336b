namespace Platform.Client.Tests.Observability;

public sealed class PromQlNamesTests
{
    [Fact]
    public void Finds_the_metrics_of_an_expression_and_nothing_else()
    {
        var names = PromQlNames.In("""histogram_quantile(0.95, sum by (job, le) (rate(training_step_duration_seconds_bucket{job=~"$job",layer=~".+\\.weight"}[1m]))) / on (job) group_left max by (job) (training_loss) > 1e-4 or up{job="x"} == 0""");

        Assert.Equal(["training_loss", "training_step_duration_seconds_bucket", "up"], names.Order());
    }

    [Fact]
    public void A_dashboard_naming_a_metric_that_does_not_exist_is_caught()
    {
        var dashboard = Path.Combine(Repo.NewWorkDir(), "bad.json");
        File.WriteAllText(dashboard, """{"panels": [{"title": "Bogus", "targets": [{"expr": "rate(training_bogus_total[1m]) + training_loss"}]}]}""");
        var scraped = PromQlNames.Scraped("# TYPE training_loss gauge\ntraining_loss{job=\"a\"} 1\n");

        Assert.Equal(["bad.json / Bogus: training_bogus_total"], PromQlNames.Missing(PromQlNames.FromDashboard(dashboard), scraped));
    }
}
