using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Spec;
using Platform.Tests.Shared;
using Platform.Training.Data;
using Platform.Training.Engine;
using Platform.Training.Export;
using Platform.Training.Tests.Models.UserCode;
using static TorchSharp.torch;

namespace Platform.Training.Tests.Export;

public sealed class WeightExportTests
{
    private readonly string work = Directory.CreateTempSubdirectory("export-tests-").FullName;

    [Fact]
    public void A_torchscript_conv_net_trains_fashion_mnist_and_its_export_gives_pytorch_the_same_outputs_and_accuracy()
    {
        // The user's side: a conv net with batch norm, scripted and saved by Debian's PyTorch.
        var modelFile = Path.Combine(work, "convnet.pt");
        DebianPython.Run(RepoRoot.Path("examples", "torchscript", "convnet.py"), modelFile);
        var spec = JobSpecDocument.Parse($"""
            model: {"{"}kind: torchscript, path: '{modelFile}'{"}"}
            data: {"{"}dataset: fashion-mnist{"}"}
            optimizer: {"{"}kind: sgd, lr: 0.05, momentum: 0.9{"}"}
            batch_size: 128
            epochs: 2
            seed: 1
            threads: 2
            """).Validate();
        using var session = new TrainingSession(spec, 0, 1, UserModels.Code(File.ReadAllBytes(modelFile), "convnet.pt"));
        while (!session.Finished)
        {
            session.RunStep();
        }

        var accuracy = session.Evaluate().Accuracy;
        var checkpoint = Path.Combine(work, "step.ckpt");
        session.SaveCheckpoint(checkpoint);
        var export = Path.Combine(work, "convnet.safetensors");
        WeightExport.Write(checkpoint, export);
        var (inputs, expected) = PlatformOutputs(session, 32);
        File.WriteAllBytes(Path.Combine(work, "in.f32"), inputs);

        var report = JsonNode.Parse(DebianPython.Run(
            RepoRoot.Path("tests", "fixtures", "torchscript", "check_export.py"),
            modelFile, export, Path.Combine(work, "in.f32"), Path.Combine(work, "out.f32"), FashionMnist.DefaultDir))!;

        Assert.True(accuracy >= 0.87, $"test accuracy after 2 epochs {accuracy:0.0000}");
        var pytorch = report["accuracy"]!.GetValue<double>();
        Assert.True(Math.Abs(pytorch - accuracy) <= 0.003, $"PyTorch gets {pytorch:0.0000} from the export, the platform {accuracy:0.0000}");
        var outputs = Floats(File.ReadAllBytes(Path.Combine(work, "out.f32")));
        Assert.Equal(expected.Length, outputs.Length);
        var worst = expected.Zip(outputs, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        Assert.True(worst <= 1e-5, $"outputs differ by up to {worst:E2}");
        // Parameters and buffers (running statistics, batch counts), no optimizer state.
        var header = Header(export);
        Assert.Equal(18, report["tensors"]!.GetValue<int>());
        Assert.Contains("bn1.running_var", header.Select(kv => kv.Key));
        Assert.DoesNotContain(header, kv => kv.Key.StartsWith("optim", StringComparison.Ordinal));
        Assert.Equal("[1,28,28]", header["__metadata__"]!["platform.input_shape"]!.GetValue<string>());
    }

    private static (byte[] Inputs, float[] Outputs) PlatformOutputs(TrainingSession session, int count)
    {
        using var scope = NewDisposeScope();
        var (x, _) = FashionMnist.Load(null).Test.Range(0, count);
        var inputs = x.contiguous().data<float>().ToArray();
        return ([.. inputs.SelectMany(BitConverter.GetBytes)], session.Predict(x));
    }

    private static float[] Floats(byte[] bytes) =>
        [.. Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)))];

    private static JsonObject Header(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, length))!.AsObject();
    }
}
