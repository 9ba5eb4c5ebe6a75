public enum DirectoryAccess {}
