using Platform.Spec;
using Platform.Training.Models;

namespace Platform.Training.Tests.Models.UserCode;

public sealed class TorchScriptModelTests
{
    [Fact]
    public void A_file_that_libtorch_cannot_load_is_refused_naming_the_field()
    {
        var spec = JobSpecDocument.Parse("model: {kind: torchscript, path: model.pt}").Validate().Model;
        // A zip archive, as TorchScript files are, but not one.
        byte[] bytes = [.. "PK\u0003\u0004"u8, .. new byte[64]];

        var error = Assert.Throws<SpecException>(() => ModelFactory.Build(spec, [1, 28, 28], 10, 1, UserModels.Code(bytes, "model.pt")));

        Assert.StartsWith("model.path: model.pt is not a TorchScript file that libtorch can load: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
