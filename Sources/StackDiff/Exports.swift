// Diff results carry template values, so whoever reads them reads `TemplateTree` too.
@_exported import Templates
