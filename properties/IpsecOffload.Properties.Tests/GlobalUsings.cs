global using PropertyTestAttribute = FsCheck.NUnit.PropertyAttribute;
