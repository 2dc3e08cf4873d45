<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DuplicatesView</name>
    <message numerus="yes">
        <source>%n group(s) of copies</source>
        <translation>
            <numerusform>%n group of copies</numerusform>
            <numerusform>%n groups of copies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n file(s) to the trash?</source>
        <translation>
            <numerusform>Move %n file to the trash?</numerusform>
            <numerusform>Move %n files to the trash?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the library?</source>
        <translation>
            <numerusform>Remove %n photo from the library?</numerusform>
            <numerusform>Remove %n photos from the library?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LabelWords</name>
    <message numerus="yes">
        <source>Not enough different pictures to measure how good it is yet (%n of %1): its suggestions are a first guess.</source>
        <translation>
            <numerusform>Not enough different pictures to measure how good it is yet (%n of %1): its suggestions are a first guess.</numerusform>
            <numerusform>Not enough different pictures to measure how good it is yet (%n of %1): its suggestions are a first guess.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>A rough estimate: its examples show only %n different picture(s).</source>
        <translation>
            <numerusform>A rough estimate: its examples show only %n different picture.</numerusform>
            <numerusform>A rough estimate: its examples show only %n different pictures.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Needs %n more example(s) before it can be learned.</source>
        <translation>
            <numerusform>Needs %n more example before it can be learned.</numerusform>
            <numerusform>Needs %n more examples before it can be learned.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of its photos are not tagged by the current model yet (File &gt; Re-tag Library).</source>
        <translation>
            <numerusform>%n of its photos is not tagged by the current model yet (File &gt; Re-tag Library).</numerusform>
            <numerusform>%n of its photos are not tagged by the current model yet (File &gt; Re-tag Library).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Its examples are near copies of %n picture(s): tag a few different photos with it.</source>
        <translation>
            <numerusform>Its examples are near copies of %n picture: tag a few different photos with it.</numerusform>
            <numerusform>Its examples are near copies of %n pictures: tag a few different photos with it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more needed</source>
        <translation>
            <numerusform>%n more needed</numerusform>
            <numerusform>%n more needed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Tagged %n photo(s)</source>
        <translation>
            <numerusform>Tagged %n photo</numerusform>
            <numerusform>Tagged %n photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped; %n photo(s) tagged, the rest resume next time</source>
        <translation>
            <numerusform>Stopped; %n photo tagged, the rest resume next time</numerusform>
            <numerusform>Stopped; %n photos tagged, the rest resume next time</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read (see Failed)</source>
        <translation>
            <numerusform>%n could not be read (see Failed)</numerusform>
            <numerusform>%n could not be read (see Failed)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the album “%1”? They stay in the library.</source>
        <translation>
            <numerusform>Remove %n photo from the album “%1”? It stays in the library.</numerusform>
            <numerusform>Remove %n photos from the album “%1”? They stay in the library.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n photo(s) from the library? The files stay on disk.</source>
        <translation>
            <numerusform>Remove %n photo from the library? The file stays on disk.</numerusform>
            <numerusform>Remove %n photos from the library? The files stay on disk.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Learned %n label(s).</source>
        <translation>
            <numerusform>Learned %n label.</numerusform>
            <numerusform>Learned %n labels.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>On %n of your photos it gives the normal model&apos;s top label %1% of the time; %2x faster.</source>
        <translation>
            <numerusform>On %n of your photos it gives the normal model&apos;s top label %1% of the time; %2x faster.</numerusform>
            <numerusform>On %n of your photos it gives the normal model&apos;s top label %1% of the time; %2x faster.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SidecarWriter</name>
    <message numerus="yes">
        <source>%n sidecar(s) not written: %1</source>
        <translation>
            <numerusform>%n sidecar not written: %1</numerusform>
            <numerusform>%n sidecars not written: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sidecar(s) of photos in read-only folders written to %1</source>
        <translation>
            <numerusform>%n sidecar of a photo in a read-only folder written to %1</numerusform>
            <numerusform>%n sidecars of photos in read-only folders written to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SimilarDialog</name>
    <message numerus="yes">
        <source>%n similar photo(s), most similar first</source>
        <translation>
            <numerusform>%n similar photo, most similar first</numerusform>
            <numerusform>%n similar photos, most similar first</numerusform>
        </translation>
    </message>
</context>
</TS>
