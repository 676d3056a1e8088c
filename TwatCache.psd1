@{
    RootModule           = 'TwatCache.PowerShell.dll'
    # Loaded before the root module: resolves TwatCache.Core and its libraries from ./dependencies
    # (README, "PowerShell versions and dependency isolation").
    NestedModules        = @('TwatCache.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5f1b7a0e-6c1d-4b47-9a55-0b8f3f0b2c61'
    Author               = 'TwatCache contributors'
    CompanyName          = 'TwatCache contributors'
    Copyright            = '(c) TwatCache contributors. MIT License.'
    Description          = 'Memoize script blocks and pipelines: Invoke-Cached runs a block once per distinct input and replays its output, in this process or the next run, from memory, an embedded LiteDB store, files or Redis.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess     = @('TwatCache.Format.ps1xml')
    CmdletsToExport      = @('Invoke-Cached', 'Get-CacheStats', 'Get-CacheEntry', 'Clear-Cache', 'New-CacheContext')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('cache', 'memoize', 'memoization', 'litedb', 'redis', 'performance', 'PSEdition_Core', 'PSEdition_Desktop')
        }
    }
}
