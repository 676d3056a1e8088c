# Runs before PowerShell loads the cmdlet assembly (TwatCache.psd1 lists it in NestedModules): makes
# TwatCache.Core and its dependencies resolvable from ./dependencies first, in TwatCache's own
# AssemblyLoadContext on PowerShell 7 (an AssemblyResolve handler on Windows PowerShell).
$assembly = [System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'TwatCache.PowerShell.dll'))
$assembly.GetType('TwatCache.PowerShell.Loading.DependencyLoader', $true)::Install()
