using TwatCache.Keys;

namespace TwatCache.Core.Tests;

/// <summary><see cref="FileSetMatcher"/> on a real directory tree: literal paths, directories, globs with **, missing paths.</summary>
public sealed class FileSetMatcherTests : IDisposable
{
    private readonly TempDir _dir = new();

    public FileSetMatcherTests()
    {
        foreach (var f in new[] { "package-lock.json", "src/app.ts", "src/lib/util.ts", "src/lib/notes.md", "docs/a.md" })
        {
            var path = _dir.File(f);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, f);
        }
    }

    private string[] Relative(IEnumerable<string> full) => full.Select(p => Path.GetRelativePath(_dir.Path, p).Replace('\\', '/')).ToArray();

    [Fact]
    public void Globs_with_double_star_match_nested_files_only_of_their_pattern()
    {
        var found = FileSetMatcher.Match(new[] { "src/**/*.ts" }, _dir.Path, out var missing);
        Assert.Equal(new[] { "src/app.ts", "src/lib/util.ts" }, Relative(found));
        Assert.Empty(missing);
    }

    [Fact]
    public void A_directory_is_taken_recursively_and_results_are_sorted_and_distinct()
    {
        var found = FileSetMatcher.Match(new[] { "src", "package-lock.json", "src/app.ts" }, _dir.Path, out _);
        Assert.Equal(new[] { "package-lock.json", "src/app.ts", "src/lib/notes.md", "src/lib/util.ts" }, Relative(found));
    }

    [Fact]
    public void A_literal_path_that_does_not_exist_is_missing_and_an_empty_glob_is_nothing()
    {
        var found = FileSetMatcher.Match(new[] { "nothere.json", "build/**/*.dll" }, _dir.Path, out var missing);
        Assert.Empty(found);
        Assert.Equal(new[] { "nothere.json" }, Relative(missing));
    }

    [Fact]
    public void Absolute_globs_and_parent_paths_resolve_from_their_own_root()
    {
        var sub = Path.Combine(_dir.Path, "src");
        var found = FileSetMatcher.Match(new[] { Path.Combine(_dir.Path, "docs").Replace('\\', '/') + "/*.md", "../package-lock.json" }, sub, out _);
        Assert.Equal(new[] { "docs/a.md", "package-lock.json" }, Relative(found));
    }

    public void Dispose() => _dir.Dispose();
}
